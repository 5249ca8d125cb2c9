using System.Text.Json;
using System.Text.Unicode;

namespace Vinted.Warehouse.Staging;

/// <summary>
/// Whether an item's text can be stored by PostgreSQL: <c>text</c> refuses a NUL character and a lone surrogate (an
/// escaped <c>\u0000</c> or <c>\ud800</c>) and invalid UTF-8. One such value would fail the whole COPY, and every
/// retry the same way; an item holding one anywhere is rejected instead (kept, with its bytes, in the rejects).
/// The whole item is checked, not only the fields staging keeps: one rule that holds for any field the loader reads
/// now or later, at the price of rejecting an item whose only such value is in a field nothing reads.
/// </summary>
internal static class ItemText
{
    /// <summary>Why the item cannot be stored, or null when it can.</summary>
    public static string? Problem(ReadOnlySpan<byte> item)
    {
        if (!Utf8.IsValid(item))
        {
            return "text is not valid UTF-8";
        }

        if (item.IndexOfAny((byte)'\\', (byte)0) < 0)
        {
            // Valid UTF-8 spells no lone surrogate, so only an escape (below) or a raw NUL byte can put one of the two
            // into text: an item with neither has none, and scanning its tokens cost more than the rest of its checks
            // (issue 21).
            return null;
        }

        var reader = new Utf8JsonReader(item, new JsonReaderOptions { MaxDepth = 128 });
        try
        {
            while (reader.Read())
            {
                // Unescaped text is valid UTF-8 without control characters (checked above and by the reader); only an
                // escape can spell a NUL or a lone surrogate.
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
                {
                    continue;
                }

                string text;
                try
                {
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return "text holds a lone surrogate";
                }

                if (text.Contains('\0', StringComparison.Ordinal))
                {
                    return "text holds a NUL character";
                }

                if (!IsWellFormed(text))
                {
                    return "text holds a lone surrogate";
                }
            }
        }
        catch (JsonException exception)
        {
            return $"item is not valid JSON: {exception.Message}";
        }

        return null;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
