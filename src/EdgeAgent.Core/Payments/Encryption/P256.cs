using System.Numerics;

namespace EdgeAgent.Core.Payments.Encryption;

/// <summary>
/// The P-256 curve equation, checked on every ephemeral key before it is used: an invalid-curve point would let a sender
/// learn bits of the node's private key from the answers (RFC 7518 §4.6 requires this check). Done here rather than left
/// to the platform's import, whose checks differ between crypto libraries.
/// </summary>
internal static class P256
{
    public const int CoordinateBytes = 32;

    private static readonly BigInteger Prime = Parse("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    private static readonly BigInteger B = Parse("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

    /// <summary>Whether (x, y), big-endian, is a point of the curve: both below p and y² = x³ - 3x + b (mod p).</summary>
    public static bool IsOnCurve(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        if (x.Length != CoordinateBytes || y.Length != CoordinateBytes)
        {
            return false;
        }

        var bx = new BigInteger(x, isUnsigned: true, isBigEndian: true);
        var by = new BigInteger(y, isUnsigned: true, isBigEndian: true);
        if (bx >= Prime || by >= Prime)
        {
            return false;
        }

        var left = by * by % Prime;
        var right = ((bx * bx % Prime * bx) - (3 * bx) + B) % Prime;
        if (right.Sign < 0)
        {
            right += Prime;
        }

        return left == right;
    }

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
