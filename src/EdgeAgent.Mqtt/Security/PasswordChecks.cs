using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Mqtt.Embedded;

namespace EdgeAgent.Mqtt.Security;

/// <summary>
/// Password checks against the password file, made cheap where they can be without making a guess cheaper:
/// <list type="bullet">
/// <item>a user whose password was verified recently is recognised by a keyed hash of (user, password) instead of
/// PBKDF2, so that a store's terminals reconnecting together after a restart of the network do not each burn 10,000
/// rounds. The key is random, made at start and never stored; only passwords that were verified are kept (one per
/// user, for <see cref="MqttOptions.BrokerPasswordCacheSeconds"/>), so a wrong guess always pays the full PBKDF2. What
/// the cache gives up: someone who can read the agent's memory could test guesses against it at HMAC speed rather than
/// PBKDF2 speed; such a reader also sees every card number as it is parsed, and generated passwords (192 random bits)
/// are out of reach of any guessing;</item>
/// <item>after a wrong password, the same user name from the same address (<see cref="AddressGroup"/>) is refused
/// without a check for a while, 1 s doubling up to <see cref="MqttOptions.BrokerPasswordBackoffMaxSeconds"/>: a guessing
/// loop costs the agent one PBKDF2 per back-off period, and a terminal elsewhere with the same user name is not locked
/// out by it.</item>
/// </list>
/// </summary>
internal sealed class PasswordChecks
{
    private const int MaxBackoffEntries = 10_000;
    private readonly PasswordFile _passwords;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheFor;
    private readonly TimeSpan _maxBackoff;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (byte[] Mac, long At)> _verified = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Failures, long Until)> _backoff = new(StringComparer.Ordinal);

    public PasswordChecks(PasswordFile passwords, MqttOptions options, TimeProvider time)
    {
        _passwords = passwords;
        _time = time;
        _cacheFor = TimeSpan.FromSeconds(options.BrokerPasswordCacheSeconds);
        _maxBackoff = TimeSpan.FromSeconds(options.BrokerPasswordBackoffMaxSeconds);
    }

    public enum Outcome
    {
        Valid,
        Invalid,
        BackingOff,
    }

    public Outcome Verify(string user, ReadOnlySpan<byte> password, EndPoint? remote)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(user, password, mac);
        var now = _time.GetTimestamp();
        var failureKey = user + "\n" + AddressGroup.Of(remote);
        lock (_lock)
        {
            if (_cacheFor > TimeSpan.Zero && _verified.TryGetValue(user, out var known) && _time.GetElapsedTime(known.At, now) < _cacheFor
                && CryptographicOperations.FixedTimeEquals(known.Mac, mac))
            {
                return Outcome.Valid;
            }

            if (_backoff.TryGetValue(failureKey, out var failed) && now < failed.Until)
            {
                return Outcome.BackingOff;
            }
        }

        if (_passwords.Verify(user, password))
        {
            lock (_lock)
            {
                _backoff.Remove(failureKey);
                if (_cacheFor > TimeSpan.Zero && _passwords.Contains(user))
                {
                    _verified[user] = (mac.ToArray(), now);
                }
            }

            return Outcome.Valid;
        }

        lock (_lock)
        {
            var failures = _backoff.TryGetValue(failureKey, out var before) ? before.Failures + 1 : 1;
            var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(failures - 1, 30)), _maxBackoff.TotalSeconds));
            if (_backoff.Count >= MaxBackoffEntries)
            {
                Forget(now);
            }

            if (_backoff.Count < MaxBackoffEntries || _backoff.ContainsKey(failureKey))
            {
                _backoff[failureKey] = (failures, now + (long)(wait.TotalSeconds * _time.TimestampFrequency));
            }
        }

        return Outcome.Invalid;
    }

    private void Forget(long now)
    {
        foreach (var (key, entry) in _backoff)
        {
            // Entries whose back-off has long passed: the next failure starts again at 1 s.
            if (now - entry.Until > (long)(_maxBackoff.TotalSeconds * _time.TimestampFrequency))
            {
                _backoff.Remove(key);
            }
        }
    }

    private void Mac(string user, ReadOnlySpan<byte> password, Span<byte> mac)
    {
        var userBytes = Encoding.UTF8.GetBytes(user);
        var input = new byte[userBytes.Length + 1 + password.Length];
        try
        {
            userBytes.CopyTo(input, 0);
            password.CopyTo(input.AsSpan(userBytes.Length + 1));
            HMACSHA256.HashData(_key, input, mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }
}
