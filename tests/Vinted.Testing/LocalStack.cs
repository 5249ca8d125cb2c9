using Amazon.Runtime;
using Amazon.S3;
using Npgsql;
using Vinted.ObjectStore;

namespace Vinted.Testing;

/// <summary>
/// The real local stack the integration tests run against: the project's PostgreSQL cluster, S3 server and Azurite
/// (the Durable Task engine's storage).
/// `./vinted test` starts it and exports its settings; run from an IDE, the first test starts it itself.
/// </summary>
public sealed class LocalStack
{
    private static readonly Lazy<LocalStack> Shared = new(() => new LocalStack());
    private readonly Dictionary<string, string> _settings;

    private LocalStack() => _settings = LoadSettings();

    public static LocalStack Instance => Shared.Value;

    /// <summary>The repository root (where Vinted.sln is).</summary>
    public static string RepoRoot => StackSettings.RepoRoot;

    public string ConnectionString => _settings["ConnectionStrings__Warehouse"];

    public string S3ServiceUrl => _settings["S3__ServiceUrl"];

    public string Bucket => _settings["S3__Bucket"];

    public string DefaultKey => _settings["Functions__Keys__Default"];

    public string AdminKey => _settings["Functions__Keys__Admin"];

    /// <summary>The engine's storage account (Azurite): the top-level setting Azure Functions uses.</summary>
    public string AzureWebJobsStorage => _settings["AzureWebJobsStorage"];

    /// <summary>A task hub name of its own for one host or test class ("t" + 12 hex digits): no test sees another's instances.</summary>
    public static string NewHubName() => $"t{Guid.NewGuid():N}"[..13];

    /// <summary>The stack's settings in environment-variable form, for child processes.</summary>
    public IReadOnlyDictionary<string, string> Settings => _settings;

    /// <summary>A fresh, empty database for one test class: no test sees another's data.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var database = $"test_{name.ToLowerInvariant()}";
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using (var drop = dataSource.CreateCommand($"drop database if exists \"{database}\" with (force)"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = dataSource.CreateCommand($"create database \"{database}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>The stack's S3 bucket as the product's object store, under <paramref name="prefix"/>.</summary>
    public ObjectStoreOptions S3Store(string prefix) => new()
    {
        Provider = ObjectStoreProvider.S3,
        ServiceUrl = S3ServiceUrl,
        Bucket = Bucket,
        AccessKey = _settings["S3__AccessKey"],
        SecretKey = _settings["S3__SecretKey"],
        Prefix = prefix,
    };

    /// <summary>A container of Azurite's blob service (the engine's storage account) as the product's object store, under <paramref name="prefix"/>.</summary>
    public ObjectStoreOptions BlobStore(string prefix) => new()
    {
        Provider = ObjectStoreProvider.AzureBlob,
        ConnectionString = AzureWebJobsStorage,
        Bucket = Bucket,
        Prefix = prefix,
    };

    /// <summary>The stack's store of <paramref name="provider"/>, under <paramref name="prefix"/>.</summary>
    public ObjectStoreOptions Store(ObjectStoreProvider provider, string prefix) => provider == ObjectStoreProvider.S3 ? S3Store(prefix) : BlobStore(prefix);

    /// <summary>
    /// The host settings that put the product's objects in the stack's store of <paramref name="provider"/> (the S3
    /// settings come from the environment, so S3 needs none).
    /// </summary>
    public string[] StoreArguments(ObjectStoreProvider provider) =>
        provider == ObjectStoreProvider.S3 ? [] : ["--ObjectStore:Provider=AzureBlob", $"--ObjectStore:ConnectionString={AzureWebJobsStorage}"];

    /// <summary>The object store <paramref name="options"/> describe; the caller disposes it.</summary>
    public static IObjectStore CreateStore(ObjectStoreOptions options) => ObjectStoreServiceCollectionExtensions.CreateObjectStore(options);

    /// <summary>An S3 client configured as the raw zone configures it (chunk encoding off: s3rver, the local server before fauxqs, stored the framing in the object).</summary>
    public AmazonS3Client CreateS3Client() =>
        new(
            new BasicAWSCredentials(_settings["S3__AccessKey"], _settings["S3__SecretKey"]),
            new AmazonS3Config
            {
                ServiceURL = S3ServiceUrl,
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            });

    private static Dictionary<string, string> LoadSettings() =>
        StackSettings.Load(["ConnectionStrings__Warehouse", "S3__ServiceUrl", "S3__Bucket", "S3__AccessKey", "S3__SecretKey", "Functions__Keys__Default", "Functions__Keys__Admin", "AzureWebJobsStorage"]);
}
