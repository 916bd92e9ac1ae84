using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Core.Scoring;

namespace EdgeAgent.Cloud.Control;

/// <summary>
/// Fetches an assigned model's card and file over HTTP(S) into a fresh folder under the models folder's incoming
/// folder, bounded in bytes (<see cref="CloudOptions.ModelDownloadMaxBytes"/>, card and file together) and time
/// (<see cref="CloudOptions.ModelDownloadTimeoutSeconds"/>), and checks that they are what was assigned: the card's
/// name, version and SHA-256, and the file's bytes against that SHA-256. It does not decide whether to trust them:
/// the registry checks the card's signature before anything moves into the models folder.
/// </summary>
public sealed class ModelDownloader(HttpClient http, long maxBytes, TimeSpan timeout)
{
    public ModelDownloader(CloudOptions options)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options.ModelDownloadMaxBytes, TimeSpan.FromSeconds(options.ModelDownloadTimeoutSeconds))
    {
    }

    /// <summary>Downloads into a new folder under <paramref name="incoming"/> and returns it; the caller removes it.</summary>
    public async Task<string> DownloadAsync(ModelAssignment assignment, string incoming, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var folder = Path.Combine(incoming, assignment.CardName + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(folder);
        try
        {
            var cardBytes = await GetAsync(assignment.Url, maxBytes, deadline.Token);
            ModelCard card;
            try
            {
                card = ModelCardJson.Parse(Encoding.UTF8.GetString(cardBytes));
            }
            catch (JsonException ex)
            {
                throw new ModelDownloadException(ModelRefusalReasons.Invalid, $"{assignment.Url} is not a model card ({ex.Message})", ex);
            }

            if (card.Name != assignment.Name || card.Version != assignment.Version || !string.Equals(card.Sha256, assignment.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelDownloadException(ModelRefusalReasons.Mismatch,
                    $"the card at {assignment.Url} is {card.Name}@{card.Version} with sha256 {card.Sha256}; the cloud assigned {assignment.Name}@{assignment.Version} with sha256 {assignment.Sha256}");
            }

            if (card.File.Length == 0 || Path.GetFileName(card.File) != card.File || card.File.StartsWith('.'))
            {
                throw new ModelDownloadException(ModelRefusalReasons.Invalid, $"the card names '{card.File}', which is not a plain file name");
            }

            var fileUrl = new Uri(assignment.Url, Uri.EscapeDataString(card.File));
            var onnx = await GetAsync(fileUrl, maxBytes - cardBytes.Length, deadline.Token);
            var sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
            if (sha != assignment.Sha256)
            {
                throw new ModelDownloadException(ModelRefusalReasons.Mismatch, $"{fileUrl} has sha256 {sha}; the cloud assigned {assignment.Sha256}");
            }

            await File.WriteAllBytesAsync(Path.Combine(folder, card.File), onnx, cancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(folder, assignment.CardName + ".card.json"), cardBytes, cancellationToken);
            return folder;
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Directory.Delete(folder, recursive: true);
            throw new ModelDownloadException(ModelRefusalReasons.Download,
                string.Create(CultureInfo.InvariantCulture, $"the download from {assignment.Url} took longer than {timeout.TotalSeconds} s (Cloud:ModelDownloadTimeoutSeconds)"), ex);
        }
        catch (HttpRequestException ex)
        {
            Directory.Delete(folder, recursive: true);
            throw new ModelDownloadException(ModelRefusalReasons.Download, $"the download from {assignment.Url} failed ({ex.Message})", ex);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    private async Task<byte[]> GetAsync(Uri url, long limit, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ModelDownloadException(ModelRefusalReasons.Download, string.Create(CultureInfo.InvariantCulture, $"{url} answered {(int)response.StatusCode}"));
        }

        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(url);
        }

        // Read up to the limit and one byte more, whatever the length header says: a server may not send one, or lie.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(url);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private ModelDownloadException TooLarge(Uri url) =>
        new(ModelRefusalReasons.Download, string.Create(CultureInfo.InvariantCulture, $"{url} is larger than the {maxBytes} bytes a model download may take (Cloud:ModelDownloadMaxBytes)"));
}
