using System.Security.Cryptography;
using Amazon.S3.Model;
using Npgsql;
using Vinted.Testing;

namespace Vinted.SelfHost.Tests;

public sealed class LocalStackTests
{
    private readonly LocalStack _stack = LocalStack.Instance;

    [Fact]
    public async Task PostgreSql_RoundTrip_ReturnsWhatWasWritten()
    {
        var connectionString = await _stack.CreateDatabaseAsync(nameof(LocalStackTests));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand("create table t (id bigint primary key, title text, price numeric(12,2), seen timestamptz)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var seen = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        await using (var insert = dataSource.CreateCommand("insert into t values (@id, @title, @price, @seen)"))
        {
            insert.Parameters.AddWithValue("id", 5_043_893_571L);
            insert.Parameters.AddWithValue("title", "Casaco de lã — Zara ✓");
            insert.Parameters.AddWithValue("price", 45.95m);
            insert.Parameters.AddWithValue("seen", seen);
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = dataSource.CreateCommand("select id, title, price, seen from t");
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(5_043_893_571L, reader.GetInt64(0));
        Assert.Equal("Casaco de lã — Zara ✓", reader.GetString(1));
        Assert.Equal(45.95m, reader.GetDecimal(2));
        Assert.Equal(seen, reader.GetFieldValue<DateTimeOffset>(3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_537)]
    [InlineData(3_000_000)]
    public async Task S3_ObjectRoundTrip_IsByteIdentical(int size)
    {
        using var s3 = _stack.CreateS3Client();
        var body = RandomNumberGenerator.GetBytes(size);
        var key = $"tests/foundation/{Guid.NewGuid():N}/object-{size}.bin";

        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _stack.Bucket,
            Key = key,
            InputStream = new MemoryStream(body),
            UseChunkEncoding = false,
            ContentType = "application/octet-stream",
            Metadata = { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(body)) },
        });

        using var get = await s3.GetObjectAsync(_stack.Bucket, key);
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(copy.ToArray()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), get.Metadata["sha256"]);
        // The ETag is the MD5 of what the server stored: it catches the aws-chunked framing corruption.
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), put.ETag.Trim('"'));
    }
}
