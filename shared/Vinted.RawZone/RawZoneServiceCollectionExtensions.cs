using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vinted.Settings;

namespace Vinted.RawZone;

/// <summary>Registers the raw zone.</summary>
public static class RawZoneServiceCollectionExtensions
{
    /// <summary>Idempotent: ingestion and the warehouse both call it, the first call registers.</summary>
    public static IServiceCollection AddRawZone(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RawZoneStore)))
        {
            return services;
        }

        services.AddSettings<S3Options>(S3Options.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAmazonS3>(sp => CreateClient(sp.GetRequiredService<IOptions<S3Options>>().Value));
        services.AddSingleton<RawZoneStore>();
        return services;
    }

    /// <summary>An S3 client for AWS or, with a service URL, for any S3-compatible server (path-style addressing).</summary>
    public static AmazonS3Client CreateClient(S3Options options)
    {
        var config = new AmazonS3Config
        {
            // Checksums only where S3 requires them: the SDK's default trailing checksums use aws-chunked
            // uploads, which some compatible servers reject or store with their framing.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.Region;
        }

        return new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
