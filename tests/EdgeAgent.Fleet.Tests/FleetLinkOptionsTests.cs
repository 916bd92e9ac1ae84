using System.ComponentModel.DataAnnotations;
using EdgeAgent.Cloud.Fleet;

namespace EdgeAgent.Fleet.Tests;

/// <summary>The store's fleet link refuses to carry its login and card deltas in clear beyond the machine.</summary>
public sealed class FleetLinkOptionsTests
{
    [Theory]
    [InlineData("10.20.0.5", false, false, true)]
    [InlineData("fleet-uplink.example.net", false, false, true)]
    [InlineData("10.20.0.5", true, false, false)]
    [InlineData("10.20.0.5", false, true, false)]
    [InlineData("127.0.0.1", false, false, false)]
    [InlineData("localhost", false, false, false)]
    public void Plaintext_beyond_loopback_is_refused_unless_allowed(string host, bool useTls, bool allowInsecure, bool refused)
    {
        var options = new FleetLinkOptions { Host = host, StoreId = "store-1", UseTls = useTls, AllowInsecure = allowInsecure };

        var problems = Problems(options);

        Assert.Equal(refused, problems.Any(p => p.Contains("UseTls", StringComparison.Ordinal)));
        Assert.Equal(allowInsecure && !useTls, options.InsecureUse() is not null);
    }

    [Fact]
    public void Certificate_files_that_do_not_exist_and_a_key_without_its_certificate_are_refused()
    {
        var problems = Problems(new FleetLinkOptions
        {
            Host = "fleet-uplink.example.net",
            StoreId = "store-1",
            TrustedCertificatesPath = "/nonexistent/ca.crt",
            CertificateKeyPath = "/nonexistent/store.key",
        });

        Assert.Contains(problems, p => p.Contains("/nonexistent/ca.crt", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("CertificateKeyPath needs Fleet:CertificatePath", StringComparison.Ordinal));
    }

    private static List<string> Problems(FleetLinkOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => r.ErrorMessage ?? "")];
    }
}
