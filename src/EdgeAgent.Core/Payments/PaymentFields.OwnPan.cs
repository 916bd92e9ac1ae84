namespace EdgeAgent.Core.Payments;

/// <summary>
/// The payment's own card number anywhere in its message but <c>pan</c>: in another field or a field's name, glued inside a
/// token, in the topic, the response topic or the correlation data. Any of these would carry the number into the record,
/// the answer or the broker, so the payment is refused (<c>card_data_misplaced</c>).
/// </summary>
internal sealed partial class PaymentFields
{
    private OwnPanPlaces _ownPanIn;

    [Flags]
    private enum OwnPanPlaces : byte
    {
        None = 0,
        Payload = 1,
        Topic = 2,
        ResponseTopic = 4,
        CorrelationData = 8,
    }

    /// <summary>True when the topic holds the payment's own card number: nothing may be published under it.</summary>
    public bool OwnPanInTopic => (_ownPanIn & OwnPanPlaces.Topic) != 0;

    /// <summary>Looks for <paramref name="pan"/> (its digits, where the pan reader holds them) everywhere around it.</summary>
    public void LookForOwnPan(ReadOnlySpan<byte> pan, scoped in MessageAround around)
    {
        if (OwnCardNumber.InJson(around.Payload, around.PanStart, around.PanLength, pan))
        {
            _ownPanIn |= OwnPanPlaces.Payload;
        }

        if (OwnCardNumber.InText(around.Topic, pan))
        {
            _ownPanIn |= OwnPanPlaces.Topic;
        }

        // What the scanner finds there on its own is refused by the envelope checks; only what it lets pass is added here.
        if (around.ResponseTopic is { } responseTopic && OwnCardNumber.InText(responseTopic, pan) && !CardNumberScanner.Contains(responseTopic))
        {
            _ownPanIn |= OwnPanPlaces.ResponseTopic;
        }

        if (OwnCardNumber.InBytes(around.CorrelationData, pan) && !CardNumberScanner.Contains(around.CorrelationData))
        {
            _ownPanIn |= OwnPanPlaces.CorrelationData;
        }
    }

    /// <summary>Adds the errors for where the card number was found, once the whole payload has been read.</summary>
    public void CheckOwnPan()
    {
        if (_ownPanIn == OwnPanPlaces.None)
        {
            return;
        }

        if ((_ownPanIn & OwnPanPlaces.Payload) != 0)
        {
            if (!errors.Exists(e => e.Code == ValidationCodes.CardDataMisplaced && e.Field[0] != '$' && e.Field != "topic") && !_unknownHeldCardNumber)
            {
                errors.Add(new ValidationError("$", ValidationCodes.CardDataMisplaced,
                    "the payment's card number appears outside pan as well; a card number goes in pan only"));
            }

            // Which field held it is not known once the card number is wiped: the id goes back with every digit masked.
            if ((TransactionId ?? MaskedTransactionId) is { } id)
            {
                MaskedTransactionId = MaskDigits(id);
                TransactionId = null;
            }
        }

        if (OwnPanInTopic && !errors.Exists(e => e.Field == "topic" && e.Code == ValidationCodes.CardDataMisplaced))
        {
            errors.Add(new ValidationError("topic", ValidationCodes.CardDataMisplaced,
                "the topic holds the payment's card number; a card number goes in pan only"));
        }

        if ((_ownPanIn & OwnPanPlaces.ResponseTopic) != 0)
        {
            errors.Add(new ValidationError("$responseTopic", ValidationCodes.CardDataMisplaced,
                "the response topic holds the payment's card number; it is not answered on"));
        }

        if ((_ownPanIn & OwnPanPlaces.CorrelationData) != 0)
        {
            errors.Add(new ValidationError("$correlationData", ValidationCodes.CardDataMisplaced,
                "the correlation data holds the payment's card number; it is not returned"));
        }
    }

    private static string MaskDigits(string text) =>
        string.Create(text.Length, text, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = char.IsAsciiDigit(source[i]) ? '#' : source[i];
            }
        });
}
