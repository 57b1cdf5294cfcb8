using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tollgate.Operations.Exports;

/// <summary>
/// Objects in an S3 bucket through AWSSDK.S3 (AWS, or an S3-compatible endpoint). Without keys in the config the SDK's
/// own chain applies (environment, instance role). Checksums are sent only where S3 requires them: S3-compatible
/// servers do not all speak the SDK's default streaming trailers.
/// </summary>
internal sealed class S3ExportTarget : IExportTarget
{
    private readonly AmazonS3Client _client;
    private readonly ExportDestinationConfig _destination;

    public S3ExportTarget(ExportDestinationConfig destination)
    {
        _destination = destination;
        var config = new AmazonS3Config
        {
            ForcePathStyle = destination.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (destination.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = destination.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(destination.Region);
        }

        _client = destination.AccessKeyId is { } keyId
            ? new AmazonS3Client(new BasicAWSCredentials(keyId, destination.SecretAccessKey ?? ""), config)
            : new AmazonS3Client(config);
    }

    public async Task PutAsync(string key, string localFile, string contentType, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _destination.Bucket,
            Key = ObjectKey(key),
            FilePath = localFile,
            ContentType = contentType,
            UseChunkEncoding = false,
        };
        await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public string Locate(string key) => $"s3://{_destination.Bucket}/{ObjectKey(key)}";

    private string ObjectKey(string key) => _destination.Prefix.Length == 0 ? key : _destination.Prefix + "/" + key;

    public void Dispose() => _client.Dispose();
}
