using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Serilog;
using Serilog.Formatting.Compact;
using StackExchange.Redis;

namespace EdgeAgent.Fleet.Hosting;

/// <summary>Builds the fleet silo from configuration: appsettings.json, EDGEAGENT_FLEET_ environment variables, then the command line.</summary>
public static class FleetHost
{
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = args,
        });
        builder.Configuration.AddEnvironmentVariables("EDGEAGENT_FLEET_");
        builder.Configuration.AddCommandLine(args);

        builder.Logging.ClearProviders();
        var json = builder.Configuration.GetValue<bool>("Logging:Json");
        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
            if (json)
            {
                logger.WriteTo.Console(new CompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });

        builder.Services.AddOptions<FleetOptions>()
            .Bind(builder.Configuration.GetSection(FleetOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var fleet = builder.Configuration.GetSection(FleetOptions.Section).Get<FleetOptions>() ?? new FleetOptions();

        // The silo's endpoints and Redis are wired from these values while the host is built, before the options
        // validation at start would run: a bad value must stop here with its name, not as a parse error later.
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(fleet, new ValidationContext(fleet), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(FleetOptions.Section, typeof(FleetOptions), errors.Select(e => e.ErrorMessage ?? "invalid"));
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FleetMetrics>();
        builder.Services.AddSingleton<RefusalLog>();
        builder.Services.AddSingleton<Rollout.DesiredPublisher>();

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = fleet.ClusterId;
                o.ServiceId = fleet.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(fleet.AdvertisedAddress), fleet.SiloPort, fleet.GatewayPort, listenOnAnyHostAddress: false);

            // Membership and messaging timings (probe timeout, missed probes, response timeout) come from
            // "Orleans:Membership" and "Orleans:Messaging" when set: tests shorten them so that a killed silo is
            // declared dead in seconds.
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
            silo.Services.Configure<SiloMessagingOptions>(builder.Configuration.GetSection("Orleans:Messaging"));
            if (fleet.SiloTls)
            {
                var tls = SiloTls.Load(fleet.SiloCertificateFile, fleet.SiloKeyFile, fleet.SiloAuthorityFile);
                silo.UseTls(tls.Certificate, tls.Configure);
            }

            silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(FleetWire.Exceptions);
            silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(fleet.RedisConnectionString));
            silo.AddRedisGrainStorage(FleetStorage.Name, o => o.ConfigurationOptions = RedisOptions(fleet.RedisConnectionString));
        });

        // Registered after the silo, so that they stop before it (hosted services stop in reverse order): on SIGTERM the
        // uplink leaves the broker's shared subscription first, and the other silos take the stores' messages, instead of
        // a stopping silo taking batches its grains can no longer record and retrying them until the host gives up. The
        // rollout's ticker calls a grain too.
        builder.Services.AddHostedService<Rollout.RolloutTicker>();
        if (!string.IsNullOrWhiteSpace(fleet.UplinkHost))
        {
            builder.Services.AddHostedService<Uplink.FleetUplinkService>();
        }

        if (fleet.HttpPort > 0)
        {
            builder.Services.AddSingleton<Http.FleetApiAccess>();
            builder.Services.AddHostedService<Http.FleetHttpService>();
        }

        return builder.Build();
    }

    private static ConfigurationOptions RedisOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);

        // Redis may start after the silos (a pod restarted alone); keep trying rather than fail the silo.
        options.AbortOnConnectFail = false;
        return options;
    }
}
