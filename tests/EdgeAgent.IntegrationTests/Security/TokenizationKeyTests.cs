using System.Text;
using EdgeAgent.Core.Tokenization;
using EdgeAgent.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.IntegrationTests.Security;

/// <summary>The tokenization key: created 0600 and atomically, bound to its id by its fingerprint, rotated with a previous key.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenizationKeyTests : IDisposable
{
    private static readonly byte[] Pan = Encoding.ASCII.GetBytes("4111111111111111");
    private readonly TempDirectory _data = new();
    private readonly TempDirectory _secrets = new();

    public void Dispose()
    {
        _data.Dispose();
        _secrets.Dispose();
    }

    private CardTokenizer Load(TokenizationOptions options) => TokenizationKeyLoader.CreateTokenizer(options, _data.Path, NullLogger.Instance);

    private string KeyFile(string name, string content)
    {
        var path = Path.Combine(_secrets.Path, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Base64Key(byte seed) => Convert.ToBase64String(Enumerable.Range(seed, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void GeneratedKey_IsCreatedOwnerOnly_WithAnIdMadeFromTheKey_AndNoTemporaryFileLeft()
    {
        var tokenizer = Load(new TokenizationOptions());

        var path = Path.Combine(_data.Path, TokenizationKeyLoader.GeneratedKeyFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["tokenization.key", "tokenization.keys"], Directory.GetFiles(_data.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var (key, id) = TokenizationKeyFile.Read(path);
        Assert.Equal(tokenizer.KeyId, id);
        Assert.Equal("g" + KeyFingerprint.Of(key)[..8], id);
        Assert.Equal(tokenizer.Tokenize(Pan), Load(new TokenizationOptions()).Tokenize(Pan));
    }

    [Fact]
    public void SecretFile_IsOwnerOnly_NeverClobbered_AndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_secrets.Path, "s");
        Assert.True(SecretFile.WriteText(path, "one", overwrite: false));
        Assert.False(SecretFile.WriteText(path, "two", overwrite: false));
        Assert.Equal("one", File.ReadAllText(path));
        Assert.True(SecretFile.WriteText(path, "three", overwrite: true));
        Assert.Equal("three", File.ReadAllText(path));
        Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_secrets.Path));
    }

    [Fact]
    public void DeletedGeneratedKey_IsNotSilentlyRegenerated()
    {
        var first = Load(new TokenizationOptions());
        File.Delete(Path.Combine(_data.Path, TokenizationKeyLoader.GeneratedKeyFileName));

        var refusal = Assert.Throws<OptionsValidationException>(() => Load(new TokenizationOptions()));
        Assert.Contains(first.KeyId, refusal.Message, StringComparison.Ordinal);
        Assert.Contains(first.Fingerprint, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherKeyUnderAKnownId_IsRefused_NamingBothFingerprints()
    {
        var original = Load(new TokenizationOptions { KeyFile = KeyFile("a.key", Base64Key(1)) });
        var replaced = KeyFile("b.key", Base64Key(50));

        var refusal = Assert.Throws<OptionsValidationException>(() => Load(new TokenizationOptions { KeyFile = replaced }));

        Assert.Contains("k1", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(original.Fingerprint, refusal.Message, StringComparison.Ordinal);
        Assert.Contains(KeyFingerprint.Of(Convert.FromBase64String(Base64Key(50))), refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KnownKeyUnderANewId_IsRefused()
    {
        Load(new TokenizationOptions { Key = Base64Key(1), KeyId = "k1" });
        var refusal = Assert.Throws<OptionsValidationException>(() => Load(new TokenizationOptions { Key = Base64Key(1), KeyId = "k9" }));
        Assert.Contains("k9", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("k1", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_NamingAnotherIdThanConfigured_IsRefused()
    {
        var refusal = Assert.Throws<OptionsValidationException>(() => Load(new TokenizationOptions { KeyFile = KeyFile("k.key", "k7:" + Base64Key(1)), KeyId = "k1" }));
        Assert.Contains("holds key k7", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rotation_TokenizesWithTheNewKey_AndFindsHistoryUnderTheOldOne()
    {
        var before = Load(new TokenizationOptions { KeyFile = KeyFile("k1.key", "k1:" + Base64Key(1)) });
        var oldToken = before.Tokenize(Pan);

        var rotating = Load(new TokenizationOptions { KeyFile = KeyFile("k2.key", "k2:" + Base64Key(60)), PreviousKeyFile = Path.Combine(_secrets.Path, "k1.key") });
        var tokens = rotating.TokenizeWithPrevious(Pan);

        Assert.StartsWith("k2.", tokens.Current, StringComparison.Ordinal);
        Assert.Equal(oldToken, tokens.Previous);
        Assert.Equal(["k1", "k2"], TokenizationKeyRegistry.Load(_data.Path).Entries.Select(e => e.KeyId));

        // After the windows, the previous key goes; the node keeps k2 and still knows k1's fingerprint.
        Assert.Null(Load(new TokenizationOptions { KeyFile = Path.Combine(_secrets.Path, "k2.key") }).TokenizeWithPrevious(Pan).Previous);
    }

    [Fact]
    public void PreviousKey_ThatIsNotTheRecordedOne_IsRefused()
    {
        Load(new TokenizationOptions { KeyFile = KeyFile("k1.key", "k1:" + Base64Key(1)) });

        var refusal = Assert.Throws<OptionsValidationException>(() => Load(new TokenizationOptions
        {
            KeyFile = KeyFile("k2.key", "k2:" + Base64Key(60)),
            PreviousKeyFile = KeyFile("fake.key", "k1:" + Base64Key(90)),
        }));
        Assert.Contains("previous tokenization key k1", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_WithAKeyOtherThanItsRecordsWereMadeWith_RefusesToStart()
    {
        await using (var agent = await InProcessAgent.StartAsync(_data.Path, $"Mqtt:Port={FreePort.Next()}", "Inference:Provider=Cpu"))
        {
        }

        var refusal = await StartRefusal.MessageAsync(
            $"--Storage:Path={_data.Path}", $"--Mqtt:Port={FreePort.Next()}", "--Http:Urls=http://127.0.0.1:0", "--Tokenization:Key=" + Base64Key(200),
            "--Serilog:MinimumLevel:Default=Fatal", "--Inference:Provider=Cpu");

        Assert.Contains(KeyFingerprint.Of(TestKeys.TokenizationKeyBytes), refusal, StringComparison.Ordinal);
        Assert.Contains(KeyFingerprint.Of(Convert.FromBase64String(Base64Key(200))), refusal, StringComparison.Ordinal);
    }
}
