using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// A salted password hash in mosquitto's format, so that one password file serves the embedded broker and mosquitto:
/// <c>$7${iterations}${base64 salt}${base64 hash}</c> is PBKDF2-HMAC-SHA512 (what <c>mosquitto_passwd</c> writes since
/// 2.0), <c>$6${base64 salt}${base64 hash}</c> the older SHA-512 of password and salt, read but never written.
/// </summary>
public sealed class PasswordHash
{
    /// <summary>PBKDF2 rounds written by <see cref="Create"/>. Generated passwords carry 192 random bits, so the count guards weak hand-set ones.</summary>
    public const int DefaultIterations = 10_000;

    /// <summary>Most rounds accepted when reading, so that a crafted file cannot make every CONNECT burn a core.</summary>
    public const int MaxIterations = 1_000_000;

    private const int SaltBytes = 12;
    private const int HashBytes = 64;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    /// <summary>PBKDF2 rounds; 0 for the older <c>$6$</c> form.</summary>
    public int Iterations { get; }

    /// <summary>Hashes <paramref name="password"/> with a fresh salt.</summary>
    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(iterations, salt, Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations));
    }

    /// <summary>Reads <c>$7$…</c> or <c>$6$…</c>; throws <see cref="FormatException"/> on anything else.</summary>
    public static PasswordHash Parse(string text)
    {
        var parts = text.Split('$');
        try
        {
            if (parts is ["", "7", var rounds, var salt, var hash])
            {
                var iterations = int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture);
                if (iterations is < 1 or > MaxIterations)
                {
                    throw new FormatException($"PBKDF2 rounds {iterations} outside [1, {MaxIterations}]");
                }

                return new PasswordHash(iterations, Convert.FromBase64String(salt), Convert.FromBase64String(hash));
            }

            if (parts is ["", "6", var oldSalt, var oldHash])
            {
                return new PasswordHash(0, Convert.FromBase64String(oldSalt), Convert.FromBase64String(oldHash));
            }
        }
        catch (OverflowException)
        {
        }

        throw new FormatException("not a mosquitto password hash ($7$rounds$salt$hash or $6$salt$hash)");
    }

    /// <summary>Whether <paramref name="password"/> matches, in time that does not depend on where they differ.</summary>
    public bool Verify(ReadOnlySpan<byte> password)
    {
        var candidate = Compute(password);
        try
        {
            return CryptographicOperations.FixedTimeEquals(candidate, _hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(candidate);
        }
    }

    /// <summary>The hash as mosquitto writes it after <c>user:</c>.</summary>
    public override string ToString() => Iterations > 0
        ? $"$7${Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture)}${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}"
        : $"$6${Convert.ToBase64String(_salt)}${Convert.ToBase64String(_hash)}";

    private byte[] Compute(ReadOnlySpan<byte> password)
    {
        if (Iterations > 0)
        {
            return Pbkdf2(password, _salt, Iterations);
        }

        var input = new byte[password.Length + _salt.Length];
        password.CopyTo(input);
        _salt.CopyTo(input, password.Length);
        try
        {
            return SHA512.HashData(input);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private static byte[] Pbkdf2(ReadOnlySpan<byte> password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, HashBytes);
}
