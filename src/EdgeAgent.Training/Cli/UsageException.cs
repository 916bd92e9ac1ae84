namespace EdgeAgent.Training.Cli;

/// <summary>The command line is wrong; the message says how, and the usage text follows it.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
