using System.Diagnostics;
using System.Text;
using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>One password file for both brokers: what mosquitto_passwd writes, the embedded broker reads, and the reverse is checked against a real mosquitto in SecureMosquittoTests.</summary>
public sealed class PasswordFileTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Passwd =>
        new[] { "/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto_passwd is not installed (apt-get install -y mosquitto)");

    private static async Task RunPasswdAsync(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Passwd, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
    }

    [Fact]
    public async Task FileWrittenByMosquittoPasswd_VerifiesItsPasswords_BothHashForms()
    {
        var path = Path.Combine(_folder.Path, "passwd");
        await RunPasswdAsync("-c", "-b", path, "store-1/t1", "secret-one");
        await RunPasswdAsync("-b", "-H", "sha512", path, "store-1/t2", "secret-two");

        var file = PasswordFile.Load(path);

        Assert.True(file.Verify("store-1/t1", "secret-one"u8));
        Assert.False(file.Verify("store-1/t1", "secret-two"u8));
        Assert.True(file.Verify("store-1/t2", "secret-two"u8));
        Assert.False(file.Verify("store-1/t3", "secret-one"u8));
        Assert.StartsWith("$7$", File.ReadAllLines(path)[0].Split(':', 2)[1], StringComparison.Ordinal);
        Assert.StartsWith("$6$", File.ReadAllLines(path)[1].Split(':', 2)[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_IsSaltedPbkdf2Sha512_InMosquittosFormat()
    {
        var first = PasswordHash.Create("same");
        var second = PasswordHash.Create("same");

        Assert.Matches("^\\$7\\$10000\\$[A-Za-z0-9+/]{16}\\$[A-Za-z0-9+/]{86}==$", first.ToString());
        Assert.NotEqual(first.ToString(), second.ToString());
        Assert.True(PasswordHash.Parse(first.ToString()).Verify(Encoding.UTF8.GetBytes("same")));
        Assert.False(PasswordHash.Parse(first.ToString()).Verify(Encoding.UTF8.GetBytes("Same")));
    }

    [Theory]
    [InlineData("store-1/t1")]
    [InlineData("store-1/t1:$5$abc$def")]
    [InlineData("store-1/t1:$7$0$zxSiLMOvBtuGxPql$N5291O2idMQoJVVQ")]
    [InlineData("store-1/t1:$7$99999999999$zxSiLMOvBtuGxPql$N5291O2idMQoJVVQ")]
    [InlineData("store-1/t1:$7$101$not base64$x")]
    public void MalformedLine_IsRefusedWithItsLineNumber(string line)
    {
        var error = Assert.Throws<FormatException>(() => PasswordFile.Parse(["# comment", line], "passwd"));
        Assert.Contains("passwd line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KnownVector_FromMosquittoPasswd_Verifies()
    {
        // Written by mosquitto_passwd 2.0.11 for the password "secret".
        var file = PasswordFile.Parse(["store-1/t1:$7$101$zxSiLMOvBtuGxPql$N5291O2idMQoJVVQHzXf2pGJtclzu3p9rsgIzFbzgn6oMK1ggA73ynZhJtZ65GlLOSVwJtm2cfjcj+pb36MZMA=="], "vector");

        Assert.True(file.Verify("store-1/t1", "secret"u8));
        Assert.False(file.Verify("store-1/t1", "secret "u8));
    }
}
