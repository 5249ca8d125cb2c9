using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.ObjectStore.Blob;
using Vinted.ObjectStore.S3;

namespace Vinted.ObjectStore.Tests;

/// <summary><c>AddObjectStore</c>'s settings as a host binds and validates them: the new section, the old <c>S3</c> one, the key a failure names.</summary>
public sealed class ObjectStoreSettingsTests
{
    private static readonly Dictionary<string, string?> OldS3Settings = new()
    {
        ["S3:ServiceUrl"] = "http://127.0.0.1:45690",
        ["S3:Bucket"] = "vinted-raw",
        ["S3:AccessKey"] = "S3RVER",
        ["S3:SecretKey"] = "S3RVER",
        ["S3:Prefix"] = "tests/old",
    };

    [Fact]
    public void AddObjectStore_OnlyTheOldS3Settings_AnS3StoreWithThem()
    {
        using var services = Build(OldS3Settings);

        var options = services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value;
        Assert.Equal((ObjectStoreProvider.S3, "http://127.0.0.1:45690", "vinted-raw", "S3RVER", "tests/old"), (options.Provider, options.ServiceUrl, options.Bucket, options.AccessKey, options.Prefix));
        Assert.IsType<S3ObjectStore>(services.GetRequiredService<IObjectStore>());
        Assert.Equal("tests/old", services.GetRequiredService<IObjectStore>().Prefix);
    }

    [Fact]
    public void AddObjectStore_BothSections_ObjectStoreWins()
    {
        using var services = Build(new(OldS3Settings) { ["ObjectStore:Bucket"] = "other-bucket", ["ObjectStore:Prefix"] = "tests/new" });

        var store = services.GetRequiredService<IObjectStore>();

        Assert.Equal(("other-bucket", "tests/new"), (store.Container, store.Prefix));
    }

    [Fact]
    public void AddObjectStore_AzureBlobWithAConnectionString_ABlobStoreOnThatAccount()
    {
        using var services = Build(new(OldS3Settings)
        {
            ["ObjectStore:Provider"] = "AzureBlob",
            ["ObjectStore:ConnectionString"] = "UseDevelopmentStorage=true",
        });

        var store = services.GetRequiredService<IObjectStore>();

        Assert.IsType<BlobObjectStore>(store);
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/vinted-raw/tests/old/a=1/b.json", store.Location("tests/old/a=1/b.json"));
    }

    [Fact]
    public void AddObjectStore_AzureBlobWithAServiceUriAndIdentity_ABlobStoreOnThatUri()
    {
        using var services = Build(new()
        {
            ["ObjectStore:Provider"] = "AzureBlob",
            ["ObjectStore:BlobServiceUri"] = "https://vintedstore.blob.core.windows.net",
            ["ObjectStore:ManagedIdentityClientId"] = "00000000-0000-0000-0000-000000000001",
            ["ObjectStore:Bucket"] = "vinted-raw",
        });

        Assert.Equal("https://vintedstore.blob.core.windows.net/vinted-raw/vinted/x", services.GetRequiredService<IObjectStore>().Location("vinted/x"));
    }

    [Theory]
    [InlineData("S3:ServiceUrl", "not a url", "S3:ServiceUrl")]
    [InlineData("ObjectStore:ServiceUrl", "not a url", "ObjectStore:ServiceUrl")]
    [InlineData("S3:AccessKey", "", "S3:AccessKey")]
    [InlineData("ObjectStore:Provider", "AzureBlob", "ObjectStore:BlobServiceUri")]
    [InlineData("ObjectStore:Provider", "Ftp", "ObjectStore:Provider")]
    public void AddObjectStore_SettingMissingOrMalformed_FailsNamingTheKeyToSet(string key, string value, string named)
    {
        using var services = Build(new(OldS3Settings) { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value);

        Assert.Contains($"'{named}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddObjectStore_AzureBlobWithANameOnlyS3Allows_FailsNamingTheBucket()
    {
        using var services = Build(new(OldS3Settings) { ["ObjectStore:Provider"] = "AzureBlob", ["ObjectStore:ConnectionString"] = "UseDevelopmentStorage=true", ["S3:Bucket"] = "vinted.raw" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ObjectStoreOptions>>().Value);

        Assert.Contains("'S3:Bucket'", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddObjectStore().BuildServiceProvider();
    }
}
