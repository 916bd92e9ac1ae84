using EdgeAgent.Core.Payments;
using EdgeAgent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Core.Pipeline;

/// <summary>
/// The first step, on the thread that received the message: the poison check, the envelope checks, parsing (which
/// tokenizes the card number), the dead-letter skeleton of a refused payload, and wiping the payload. Thread-safe, so
/// many connections take this step side by side; nothing here touches the scoring loop's state. Whatever goes wrong
/// becomes a refusal of this message alone (<c>internal_error</c>), never an exception for the transport.
/// </summary>
internal sealed partial class PaymentIntake(
    PaymentParser parser,
    MessageChecks checks,
    IPoisonLedger? ledger,
    Features.FeatureState state,
    Features.IFeatureStateSource? source,
    PipelineOptions options,
    PipelineMetrics metrics,
    ILogger logger,
    Payments.Encryption.PanRefusalLog? panRefusals = null)
{
    public Arrival Accept(InboundMessage message)
    {
        long hash = 0;
        var slot = -1;
        try
        {
            hash = ledger?.HashOf(message) ?? 0;
            if (ledger is not null && ledger.Crashes(hash) is var crashes && crashes >= options.PoisonCrashLimit)
            {
                return Poison(message, hash, crashes);
            }

            // In the ledger only while its bytes are being parsed here: a crash now is charged to this message alone. Waiting
            // in the queue afterwards runs nothing of it, so a crash then is not its doing (the scoring loop enters it again
            // for the pass that scores it).
            slot = ledger?.Enter(hash) ?? -1;
            var isolated = ledger is not null && ledger.Crashes(hash) > 0;
            return Check(message, hash, isolated);
        }
        catch (Exception ex)
        {
            // A bug in a check or the parser: this message is refused, the next one is handled as usual.
            metrics.CountInternalError();
            LogIntakeFailed(ex);
            message.Payload.Span.Clear();
            return new Arrival
            {
                Message = message,
                MessageHash = hash,
                Errors = [new ValidationError("$", ValidationCodes.InternalError, "the agent could not handle this message; it was not scored")],
                AnswerTopic = SafeDecisionsTopic(message.Topic),
            };
        }
        finally
        {
            ledger?.Leave(slot);
        }
    }

    private Arrival Check(InboundMessage message, long hash, bool isolated)
    {
        var envelope = new List<ValidationError>(0);
        PaymentParseResult? parsed = null;
        TopicAddress? address;
        if (message.Length <= parser.MaxPayloadBytes && message.Payload.Length == message.Length)
        {
            parsed = parser.Parse(message.Topic, message.Payload.Span, message.ResponseTopic, message.CorrelationData, message.ArrivedOverLoopback);
            address = parsed.Address;
            if (!parsed.IsValid)
            {
                panRefusals?.Report(parsed.Errors, address);
            }
        }
        else
        {
            // Too large: never parsed, only the topic is read, so the refusal can still be answered.
            address = parser.ParseTopic(message.Topic, envelope);
        }

        checks.Check(message, address, envelope);
        byte[]? deadLetter = null;
        var errors = envelope;
        if (envelope.Count > 0 || parsed is not { IsValid: true })
        {
            if (parsed is not null)
            {
                envelope.AddRange(parsed.Errors);
            }

            deadLetter = DeadLetterSkeleton.Of(message.Payload.Span, message.Length);
        }

        // The payload held the card number; nothing needs it any more.
        message.Payload.Span.Clear();
        var payment = errors.Count == 0 ? parsed?.Event : null;
        if (payment is not null && parsed!.PanKeyIndex >= 0)
        {
            metrics.CountPanDecrypted(parsed.PanKeyIndex);
        }

        return new Arrival
        {
            Message = message,
            Payment = payment,
            Prefetch = payment is null ? default : Prefetch(payment),
            Errors = errors,
            TransactionId = parsed?.TransactionId,
            Address = address,
            AnswerTopic = checks.AnswerTopic(message, address, errors),
            AnswerCorrelation = checks.AnswerCorrelation(message, errors),
            DeadLetter = deadLetter,
            MessageHash = hash,
            Isolated = isolated,
        };
    }

    /// <summary>
    /// Reads from the store, here on the receiving thread, the card or merchant state the scoring loop will need and memory
    /// lacks (evicted earlier): the loop itself then never waits on I/O. A payment of a card never seen costs nothing: the
    /// state knows the store cannot have it.
    /// </summary>
    private Features.StatePrefetch Prefetch(PaymentEvent payment)
    {
        if (source is null)
        {
            return default;
        }

        var merchantKey = Features.FeatureExtractor.MerchantKey(payment.MerchantId);
        var (card, merchant) = state.NeedsReading(payment.CardToken, merchantKey);
        var previous = payment.PreviousCardToken is { } old && !card && state.NeedsReading(old, merchantKey).Card;
        if (!card && !merchant && !previous)
        {
            return default;
        }

        var (cardMark, merchantMark) = state.Marks;
        return new Features.StatePrefetch(
            card ? source.FindCard(payment.CardToken) : null,
            previous ? source.FindCard(payment.PreviousCardToken!) : null,
            merchant ? source.FindMerchant(merchantKey) : null,
            cardMark,
            merchantMark);
    }

    private Arrival Poison(InboundMessage message, long hash, int crashes)
    {
        metrics.CountPoison();
        LogPoison(crashes);
        message.Payload.Span.Clear();
        var errors = new List<ValidationError>(1);
        var address = parser.ParseTopic(message.Topic, errors);
        errors.Clear();
        errors.Add(new ValidationError("$", ValidationCodes.PoisonMessage,
            $"this message was being handled in {crashes} crashes of the agent; it is refused so it cannot stop the agent again"));
        return new Arrival
        {
            Message = message,
            Errors = errors,
            Address = address,
            AnswerTopic = checks.AnswerTopic(message, address),
            AnswerCorrelation = checks.AnswerCorrelation(message),
            DeadLetter = DeadLetterSkeleton.Of([], message.Length),
            MessageHash = hash,
        };
    }

    private string? SafeDecisionsTopic(string topic)
    {
        try
        {
            return parser.ParseTopic(topic, []) is { } address ? address.DecisionsTopic(options.TopicRoot) : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Error, Message = "A message could not be handled; it was refused with internal_error and the agent goes on")]
    private partial void LogIntakeFailed(Exception exception);

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "A message that was being handled in {Crashes} crashes arrived again; refused as poison_message and acknowledged")]
    private partial void LogPoison(int crashes);
}
