using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Vinted.Settings.Validation;

namespace Vinted.ObjectStore;

/// <summary>
/// The <c>ObjectStore</c> settings: which store holds the raw zone, the lake and the model files, and how to reach it.
/// The S3 keys were once the <c>S3</c> section; <c>S3:*</c> is still read (under <c>ObjectStore:*</c>, which wins).
/// </summary>
public sealed partial class ObjectStoreOptions : IValidatableObject
{
    public const string Section = "ObjectStore";

    /// <summary>Where the S3 keys lived before the store had two providers; still bound, so existing settings keep working.</summary>
    public const string LegacySection = "S3";

    /// <summary><c>S3</c> (AWS or a compatible server) or <c>AzureBlob</c>.</summary>
    public ObjectStoreProvider Provider { get; set; } = ObjectStoreProvider.S3;

    /// <summary>The S3 bucket or the Blob container; a name valid for both: lowercase letters, digits and single hyphens.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ErrorMessage = "must be a valid S3 bucket or Blob container name")]
    public string Bucket { get; set; } = "";

    /// <summary>The top of every key this product writes.</summary>
    [Required]
    public string Prefix { get; set; } = "vinted";

    /// <summary>How a written object is checked: <c>ETag</c> (the MD5 the server reports of what it stored) or <c>ReadBack</c> (read it again and hash).</summary>
    public VerifyMode Verify { get; set; } = VerifyMode.ETag;

    /// <summary>Keys asked for per listing request (S3 and Blob both serve at most 5,000; 1,000 is S3's own page).</summary>
    [Range(1, 5000)]
    public int ListPageSize { get; set; } = 1000;

    /// <summary>S3: an S3-compatible endpoint (MinIO, Ceph, a local server); empty for AWS itself.</summary>
    [AbsoluteUrl]
    public string ServiceUrl { get; set; } = "";

    /// <summary>S3: the AWS region (for AWS, or the signing region of a compatible server).</summary>
    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>S3: the access key id (required with <c>Provider=S3</c>).</summary>
    public string AccessKey { get; set; } = "";

    /// <summary>S3: the secret access key (required with <c>Provider=S3</c>).</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Blob: the account's blob endpoint (<c>https://{account}.blob.core.windows.net</c>), reached with an Entra ID identity.</summary>
    [AbsoluteUrl]
    public string BlobServiceUri { get; set; } = "";

    /// <summary>Blob: the client id of a user-assigned managed identity; empty for <c>DefaultAzureCredential</c>'s own choice.</summary>
    public string ManagedIdentityClientId { get; set; } = "";

    /// <summary>Blob: a storage connection string (Azurite locally, or an account key) in place of <see cref="BlobServiceUri"/>.</summary>
    [StorageConnectionString]
    public string ConnectionString { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ObjectStoreProvider.S3)
        {
            foreach (var (value, name) in new[] { (AccessKey, nameof(AccessKey)), (SecretKey, nameof(SecretKey)) })
            {
                if (string.IsNullOrEmpty(value))
                {
                    // The key that chose S3 is named too: on Azure, a missing Provider is the mistake, not a missing key.
                    yield return new ValidationResult($"is required with {Section}:{nameof(Provider)}=S3 (environment variable {Section}__{nameof(Provider)}; AzureBlob for Blob Storage)", [name]);
                }
            }

            yield break;
        }

        if (string.IsNullOrEmpty(BlobServiceUri) == string.IsNullOrEmpty(ConnectionString))
        {
            yield return new ValidationResult(
                $"set exactly one of {Section}:{nameof(BlobServiceUri)} (identity) or {Section}:{nameof(ConnectionString)} with {nameof(Provider)}=AzureBlob",
                [string.IsNullOrEmpty(ConnectionString) ? nameof(BlobServiceUri) : nameof(ConnectionString)]);
        }

        if (!ContainerName().IsMatch(Bucket))
        {
            yield return new ValidationResult("must be a valid Blob container name (lowercase letters, digits, single hyphens)", [nameof(Bucket)]);
        }
    }

    [GeneratedRegex("^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}

/// <summary>The stores the product can write to.</summary>
public enum ObjectStoreProvider
{
    S3,
    AzureBlob,
}

/// <summary>How an object is verified after it is written.</summary>
public enum VerifyMode
{
    /// <summary>The MD5 the server reports of what it stored (S3's ETag of a single-part put; Blob's Content-MD5).</summary>
    ETag,

    /// <summary>Read the object again and hash it.</summary>
    ReadBack,
}
