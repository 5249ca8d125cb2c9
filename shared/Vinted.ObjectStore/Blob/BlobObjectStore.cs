using System.Runtime.CompilerServices;
using Azure;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace Vinted.ObjectStore.Blob;

/// <summary>
/// The object store on Azure Blob Storage (block blobs in one container). Blob metadata names must be C# identifiers, so
/// the product's <c>-</c> in a name is stored as <c>_</c> and read back as <c>-</c>.
/// </summary>
public sealed partial class BlobObjectStore(BlobContainerClient container, ObjectStoreOptions options, ILogger<BlobObjectStore> logger) : ObjectStoreBase(options)
{
    /// <summary>
    /// One Put Blob up to this size, so the service computes the MD5 of exactly what it stored and answers it; larger
    /// bodies go up in blocks, have no service MD5 and are read back instead.
    /// </summary>
    private static readonly StorageTransferOptions SingleShot = new() { InitialTransferSize = 256L << 20, MaximumTransferSize = 64L << 20 };

    public override string Location(string key) => $"{container.Uri.AbsoluteUri.TrimEnd('/')}/{key}";

    /// <summary>
    /// The container client: with <see cref="ObjectStoreOptions.ConnectionString"/> (Azurite, an account key), else
    /// <see cref="ObjectStoreOptions.BlobServiceUri"/> with <c>DefaultAzureCredential</c> (a user-assigned managed identity
    /// when <see cref="ObjectStoreOptions.ManagedIdentityClientId"/> is set; a developer's own sign-in otherwise).
    /// </summary>
    public static BlobContainerClient CreateContainerClient(ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var service = options.ConnectionString.Length > 0
            ? new BlobServiceClient(options.ConnectionString)
            : new BlobServiceClient(
                new Uri(options.BlobServiceUri),
                new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = options.ManagedIdentityClientId.Length > 0 ? options.ManagedIdentityClientId : null,
                }));
        return service.GetBlobContainerClient(options.Bucket);
    }

    protected override async Task<string?> PutCoreAsync(string key, Stream body, ObjectPut put, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(key);
        var upload = new BlobUploadOptions
        {
            // No Content-MD5 of ours: the service computes it from the bytes it received, stores it and answers it.
            HttpHeaders = new BlobHttpHeaders { ContentType = put.ContentType },
            Metadata = put.Metadata.ToDictionary(m => ToBlobName(m.Key), m => m.Value),
            Conditions = put.CreateOnly ? new BlobRequestConditions { IfNoneMatch = ETag.All } : null,
            TransferOptions = SingleShot,
        };
        var start = body.CanSeek ? body.Position : -1;
        try
        {
            try
            {
                return Md5(await blob.UploadAsync(body, upload, cancellationToken));
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound && start >= 0)
            {
                // Provisioning creates the container in Azure; a fresh local emulator has none yet.
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                LogContainerCreated(container.Name);
                body.Position = start;
                return Md5(await blob.UploadAsync(body, upload, cancellationToken));
            }
        }
        catch (RequestFailedException e) when (put.CreateOnly && (e.Status == 412 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists))
        {
            throw Exists(key, e);
        }

        static string? Md5(Response<BlobContentInfo> response) =>
            response.Value.ContentHash is { Length: 16 } hash ? Convert.ToHexStringLower(hash) : null;
    }

    public override async Task<ObjectContent?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: cancellationToken);
            var details = response.Value.Details;
            return new ObjectContent(Properties(key, details.ContentLength, details.ContentHash, details.ContentType, details.Metadata), response.Value.Content, response.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public override async Task<ObjectProperties?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return Properties(key, properties.ContentLength, properties.ContentHash, properties.ContentType, properties.Metadata);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public override async IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, bool directOnly, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!directOnly)
        {
            await foreach (var page in PagesOrNone(container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken: cancellationToken).AsPages(pageSizeHint: Options.ListPageSize), cancellationToken))
            {
                foreach (var item in page.Values)
                {
                    yield return new ObjectEntry(item.Name, item.Properties.ContentLength ?? 0);
                }
            }

            yield break;
        }

        await foreach (var page in PagesOrNone(container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken: cancellationToken).AsPages(pageSizeHint: Options.ListPageSize), cancellationToken))
        {
            foreach (var item in page.Values.Where(i => i.IsBlob))
            {
                yield return new ObjectEntry(item.Blob.Name, item.Blob.Properties.ContentLength ?? 0);
            }
        }
    }

    /// <summary>
    /// A listing's pages; none when the container does not exist. A missing container holds no objects, as a missing
    /// key is null to a get: a fresh emulator has no container until the first put creates it, and a run's first
    /// listing (page 1 asks which pages an earlier execution stored) comes before that put.
    /// </summary>
    private static async IAsyncEnumerable<Page<T>> PagesOrNone<T>(IAsyncEnumerable<Page<T>> pages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }

    public override async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    public override async Task CheckAsync(CancellationToken cancellationToken) =>
        await container.GetPropertiesAsync(cancellationToken: cancellationToken);

    private static ObjectProperties Properties(string key, long length, byte[]? md5, string? contentType, IDictionary<string, string> metadata) =>
        new(key, length, md5 is { Length: 16 } ? Convert.ToHexStringLower(md5) : null, contentType, metadata.ToDictionary(m => FromBlobName(m.Key), m => m.Value));

    /// <summary>The product's metadata names (<c>item-count</c>) as Blob metadata names, which must be C# identifiers.</summary>
    private static string ToBlobName(string name) =>
        name.Length > 0 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            ? name.Replace('-', '_')
            : throw new ArgumentException($"Metadata name '{name}' is not lowercase letters, digits and '-'.", nameof(name));

    private static string FromBlobName(string name) => name.Replace('_', '-');

    [LoggerMessage(320, LogLevel.Information, "Created the Blob container {Container}")]
    private partial void LogContainerCreated(string container);
}
