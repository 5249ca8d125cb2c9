using System.Text.Json;

namespace Vinted.Warehouse.Staging;

/// <summary>
/// Finds where each element of a page's top-level <c>items</c> array lies in the body, so each item's text is checked
/// and a rejected item is kept with its bytes exactly as stored, without building a DOM a second time (the parser
/// already built one). The parser's own <c>ElementRanges</c> come first; this scan is for a body it could not parse.
/// </summary>
internal static class ItemSlices
{
    /// <summary>(offset, length) of each element of <c>items</c>, in order; empty when the body has no such array.</summary>
    public static List<(int Start, int Length)> Find(ReadOnlySpan<byte> body)
    {
        var slices = new List<(int, int)>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return slices;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isItems = reader.ValueTextEquals("items"u8);
                reader.Read();
                if (!isItems || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    slices.Add((start, (int)reader.BytesConsumed - start));
                }

                return slices;
            }
        }
        catch (JsonException)
        {
            // A body the parser also rejects: it yields no rows, and the row-count check reports the gap.
        }

        return slices;
    }
}
