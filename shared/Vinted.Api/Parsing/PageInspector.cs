using System.Globalization;
using System.Text.Json;
using Vinted.Api.Models;

namespace Vinted.Api.Parsing;

/// <summary>
/// <see cref="VintedPageParser.Inspect(ReadOnlyMemory{byte})"/> in one forward pass of a <see cref="Utf8JsonReader"/>:
/// the page is validated to its last byte, as a document would be, but only the envelope, each item's
/// <c>content_source</c> and the pagination are read. Ingestion inspects every page it fetches, and a real page is
/// ~400 KB of which the thumbnails and avatars are most (issue 21): a <see cref="JsonDocument"/> indexed every one of
/// their tokens for nothing. The rules are the document's: a name given twice keeps its last value.
/// </summary>
internal static class PageInspector
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 128 };

    public static PageInspection Inspect(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            var inspection = Envelope(ref reader);
            while (reader.Read())
            {
                // Nothing may follow the root value; the reader throws if anything does.
            }

            return inspection;
        }
        catch (JsonException exception)
        {
            return new PageInspection(null, 0, PageProblemKind.MalformedJson, $"malformed JSON: {exception.Message}");
        }
    }

    private static PageInspection Envelope(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return MissingItems;
        }

        (int Count, int Promoted)? items = null;
        PaginationFields? pagination = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("items"u8) ? Envelopes.Items : reader.ValueTextEquals("pagination"u8) ? Envelopes.Pagination : Envelopes.Other;
            reader.Read();
            switch (name)
            {
                case Envelopes.Items:
                    items = reader.TokenType == JsonTokenType.StartArray ? Items(ref reader) : null;
                    break;
                case Envelopes.Pagination:
                    pagination = reader.TokenType == JsonTokenType.StartObject ? Pagination(ref reader) : null;
                    break;
            }

            // A value read whole is on its last token, where Skip stays; any other is skipped to its end.
            reader.Skip();
        }

        if (items is not var (count, promoted))
        {
            return MissingItems;
        }

        if (pagination is not { } p)
        {
            return new PageInspection(null, count, PageProblemKind.MissingPagination, PageInspection.MissingPaginationProblem) { PromotedCount = promoted };
        }

        var read = new VintedPagination((int)(p.Current ?? 1), (int)(p.Total ?? 1), p.Entries ?? count, (int)(p.PerPage ?? count), p.Time);
        return new PageInspection(read, count, PageProblemKind.None, null) { PromotedCount = promoted };
    }

    private enum Envelopes
    {
        Other,
        Items,
        Pagination,
    }

    private static PageInspection MissingItems => new(null, 0, PageProblemKind.MissingItems, PageInspection.MissingItemsProblem);

    /// <summary>The array's elements, and those that are objects whose <c>content_source</c> says promoted; ends on the array's end.</summary>
    private static (int, int) Items(ref Utf8JsonReader reader)
    {
        int count = 0, promoted = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? contentSource = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isContentSource = reader.ValueTextEquals("content_source"u8);
                reader.Read();
                if (isContentSource)
                {
                    contentSource = reader.TokenType == JsonTokenType.String ? String(ref reader) : null;
                }

                reader.Skip();
            }

            promoted += ItemCard.IsPromoted(contentSource) ? 1 : 0;
        }

        return (count, promoted);
    }

    private readonly record struct PaginationFields(long? Current, long? Total, long? Entries, long? PerPage, long? Time);

    /// <summary>The pagination object's counts as written (null when absent or unreadable); ends on the object's end.</summary>
    private static PaginationFields Pagination(ref Utf8JsonReader reader)
    {
        var fields = default(PaginationFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("current_page"u8) ? 1 : reader.ValueTextEquals("total_pages"u8) ? 2
                : reader.ValueTextEquals("total_entries"u8) ? 3 : reader.ValueTextEquals("per_page"u8) ? 4 : reader.ValueTextEquals("time"u8) ? 5 : 0;
            reader.Read();
            var value = Long(ref reader);
            fields = name switch
            {
                1 => fields with { Current = value },
                2 => fields with { Total = value },
                3 => fields with { Entries = value },
                4 => fields with { PerPage = value },
                5 => fields with { Time = value },
                _ => fields,
            };
            reader.Skip();
        }

        return fields;
    }

    /// <summary>As the document's reader: a number that fits a long, or a string of digits only; else null.</summary>
    private static long? Long(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var number) => number,
        JsonTokenType.String when long.TryParse(String(ref reader), NumberStyles.None, CultureInfo.InvariantCulture, out var text) => text,
        _ => null,
    };

    /// <summary>The string; null for one that is not valid Unicode (an escaped lone surrogate): the page is still inspected.</summary>
    private static string? String(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
