using System.Text;
using EdgeAgent.Mqtt.Security;

namespace EdgeAgent.Security.Credentials;

/// <summary>
/// The mosquitto ACL for an identities file, granting at mosquitto what the embedded broker's policy grants: a terminal
/// writes <c>{root}/{store}/{terminal}/payments</c> and reads its decisions and responses; an operator reads every
/// terminal's decisions and responses; the agent reads payments and writes answers. Terminals named
/// <c>{store}/{terminal}</c> are covered by <c>pattern</c> lines (<c>%u</c> is the user name, which mosquitto takes
/// from the certificate's common name with <c>use_identity_as_username</c>); others get their own <c>user</c> block.
/// </summary>
public static class MosquittoAcl
{
    public static string Write(IdentityMap identities, string root)
    {
        var acl = new StringBuilder();
        acl.Append("# mosquitto ACL written by 'EdgeAgent credentials' from identities.conf; regenerate it rather than edit it.\n")
            .Append("# Anything not granted here is denied: no client reads payments but the agent, no terminal writes answers.\n\n")
            .Append("# Terminals whose user name (certificate common name) is {store}/{terminal}.\n")
            .Append($"pattern write {root}/%u/{TerminalTopics.Payments}\n")
            .Append($"pattern read {root}/%u/{TerminalTopics.Decisions}\n")
            .Append($"pattern read {root}/%u/{TerminalTopics.Responses}/#\n");
        foreach (var identity in identities.Identities.OrderBy(i => i.Role).ThenBy(i => i.Name, StringComparer.Ordinal))
        {
            switch (identity.Role)
            {
                case TerminalRole.Terminal when identity.Name != identity.StoreId + "/" + identity.TerminalId:
                    var prefix = $"{root}/{identity.StoreId}/{identity.TerminalId}/";
                    acl.Append($"\nuser {identity.Name}\n")
                        .Append($"topic write {prefix}{TerminalTopics.Payments}\n")
                        .Append($"topic read {prefix}{TerminalTopics.Decisions}\n")
                        .Append($"topic read {prefix}{TerminalTopics.Responses}/#\n");
                    break;
                case TerminalRole.Operator:
                    acl.Append($"\n# Operator: every terminal's answers and the uplink, read only.\nuser {identity.Name}\n")
                        .Append($"topic read {root}/+/+/{TerminalTopics.Decisions}\n")
                        .Append($"topic read {root}/+/+/{TerminalTopics.Responses}/#\n")
                        .Append("topic read edgeagent/#\n");
                    break;
                case TerminalRole.Agent:
                    acl.Append($"\n# The agent: takes payments, answers, and its uplink when the cloud is this broker.\nuser {identity.Name}\n")
                        .Append($"topic read {root}/+/+/{TerminalTopics.Payments}\n")
                        .Append($"topic write {root}/+/+/{TerminalTopics.Decisions}\n")
                        .Append($"topic write {root}/+/+/{TerminalTopics.Responses}/#\n")
                        .Append("topic readwrite edgeagent/#\n");
                    break;
            }
        }

        return acl.ToString();
    }
}
