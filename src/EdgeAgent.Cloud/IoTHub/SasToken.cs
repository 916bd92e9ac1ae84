using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Cloud.IoTHub;

/// <summary>
/// IoT Hub shared access signatures: <c>SharedAccessSignature sr={resource}&amp;sig={signature}&amp;se={expiry}</c>, the
/// signature being HMAC-SHA256, with the base64-decoded key, over the URL-encoded resource, a line feed and the
/// expiry in seconds since the Unix epoch. The encoded resource signed is exactly the one in the token.
/// </summary>
public static class SasToken
{
    /// <summary>The resource a device or module token grants: <c>{host}/devices/{device}[/modules/{module}]</c>.</summary>
    public static string ResourceUri(string hostName, string deviceId, string? moduleId) =>
        moduleId is null
            ? $"{hostName}/devices/{WebUtility.UrlEncode(deviceId)}"
            : $"{hostName}/devices/{WebUtility.UrlEncode(deviceId)}/modules/{WebUtility.UrlEncode(moduleId)}";

    /// <summary>What is signed: the URL-encoded resource, a line feed, the expiry.</summary>
    public static string StringToSign(string resourceUri, long expiry) =>
        WebUtility.UrlEncode(resourceUri) + "\n" + expiry.ToString(CultureInfo.InvariantCulture);

    /// <summary>Base64 HMAC-SHA256 of <paramref name="stringToSign"/> with <paramref name="key"/>.</summary>
    public static string Sign(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The token, from a signature made over <see cref="StringToSign"/>.</summary>
    public static string Format(string resourceUri, long expiry, string signature) =>
        $"SharedAccessSignature sr={WebUtility.UrlEncode(resourceUri)}&sig={WebUtility.UrlEncode(signature)}&se={expiry.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A token signed with a device or module key (base64, as the connection string holds it).</summary>
    public static string Create(string resourceUri, string base64Key, long expiry) =>
        Format(resourceUri, expiry, Sign(Convert.FromBase64String(base64Key), StringToSign(resourceUri, expiry)));
}
