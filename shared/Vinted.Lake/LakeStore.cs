using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Vinted.RawZone;

namespace Vinted.Lake;

/// <summary>The lake's objects in the raw zone's bucket: part uploads and manifests checked against the server's ETag, listings and deletes.</summary>
public sealed class LakeStore(IAmazonS3 s3, IOptions<S3Options> options)
{
    /// <summary>The manifest's JSON: camelCase, like every document the product writes.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Bucket { get; } = options.Value.Bucket;

    public LakeKeys Keys { get; } = new(options.Value.Prefix);

    /// <summary>Uploads a local file; the server's ETag must be the MD5 of the bytes sent.</summary>
    internal async Task PutFileAsync(string key, string path, string md5, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await PutAsync(key, file, "application/vnd.apache.parquet", md5, cancellationToken);
    }

    /// <summary>Writes a table's manifest: the switch that makes its new parts the table's.</summary>
    internal async Task PutManifestAsync(LakeTable table, LakeManifest manifest, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        await PutAsync(Keys.Manifest(table), new MemoryStream(body, writable: false), "application/json", Convert.ToHexStringLower(MD5.HashData(body)), cancellationToken);
    }

    /// <summary>A table's manifest; null when the table has never been written.</summary>
    public async Task<LakeManifest?> ReadManifestAsync(LakeTable table, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(Bucket, Keys.Manifest(table), cancellationToken);
            return await JsonSerializer.DeserializeAsync<LakeManifest>(response.ResponseStream, Json, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The part files directly in a partition's folder (not in the folders below it), whether a manifest lists them or not.</summary>
    public async Task<IReadOnlyList<string>> ListPartsAsync(string folder, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = folder, Delimiter = "/" };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key).Where(k => k[folder.Length..].StartsWith("part-", StringComparison.Ordinal)));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return keys;
    }

    internal async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        // One by one: DeleteObjects needs a Content-MD5 some S3-compatible servers refuse, and superseded parts are few.
        foreach (var key in keys)
        {
            await s3.DeleteObjectAsync(Bucket, key, cancellationToken);
        }
    }

    /// <summary>Downloads an object to a local file (readers without S3 access, tests, the benchmark).</summary>
    public async Task DownloadAsync(string key, string path, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(Bucket, key, cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await response.ResponseStream.CopyToAsync(file, cancellationToken);
    }

    private async Task PutAsync(string key, Stream body, string contentType, string md5, CancellationToken cancellationToken)
    {
        var response = await s3.PutObjectAsync(
            new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                InputStream = body,
                ContentType = contentType,
                // A plain signed body: aws-chunked uploads are stored with their framing by some compatible servers.
                UseChunkEncoding = false,
            },
            cancellationToken);
        if (!string.Equals(response.ETag?.Trim('"'), md5, StringComparison.OrdinalIgnoreCase))
        {
            throw new RawZoneIntegrityException($"s3://{Bucket}/{key}: the server's ETag {response.ETag} is not the MD5 {md5} of the bytes written");
        }
    }
}
