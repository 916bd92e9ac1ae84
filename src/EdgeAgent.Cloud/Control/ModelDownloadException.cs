namespace EdgeAgent.Cloud.Control;

/// <summary>An assigned model that could not be fetched, or is not what was assigned; <see cref="Reason"/> is a refusal reason tag.</summary>
public sealed class ModelDownloadException : Exception
{
    public ModelDownloadException(string reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public ModelDownloadException()
        : this(Core.Scoring.ModelRefusalReasons.Download, "the model could not be downloaded")
    {
    }

    public ModelDownloadException(string message)
        : this(Core.Scoring.ModelRefusalReasons.Download, message)
    {
    }

    public ModelDownloadException(string message, Exception inner)
        : this(Core.Scoring.ModelRefusalReasons.Download, message, inner)
    {
    }

    public string Reason { get; }
}
