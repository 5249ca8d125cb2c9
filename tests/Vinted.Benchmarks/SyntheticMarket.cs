using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Vinted.Benchmarks;

/// <summary>
/// A day of catalog-search pages in the API's shape (svc-catalogue envelope, 96 items a page, 30% of items in the old
/// string price form), generated in-process so a million listings take seconds rather than a simulator scan per
/// search. Day 2 keeps 95% of day 1's listings (5% sell), adds 5% new ones, and drops the price of 10% of the kept.
/// </summary>
internal sealed class SyntheticMarket(int listings)
{
    public const int PerPage = 96;
    private static readonly long[] Catalogs = [1206, 1231, 1779, 1904, 2050, 1907, 2630, 1242, 2094, 1812, 1193, 2993];
    private static readonly string[] Brands = ["Nike", "Adidas", "Zara", "H&M", "Mango", "Levi's", "SHEIN", "Primark", "Bershka", "Pull&Bear"];
    private static readonly string[] Sizes = ["XS", "S", "M", "L", "XL", "38", "40", "42"];
    private static readonly string[] Statuses = ["Novo com etiquetas", "Novo sem etiquetas", "Muito bom", "Bom", "Satisfatório"];
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The catalog searches of a day: one per catalog, each listing the day's listings of that catalog.</summary>
    public IEnumerable<(long Catalog, int Page, long[] Ids)> Pages(int day)
    {
        foreach (var catalog in Enumerable.Range(0, Catalogs.Length))
        {
            var ids = new List<long>(PerPage);
            var page = 1;
            foreach (var index in Indices(day).Where(i => i % Catalogs.Length == catalog))
            {
                ids.Add(index);
                if (ids.Count == PerPage)
                {
                    yield return (Catalogs[catalog], page++, [.. ids]);
                    ids.Clear();
                }
            }

            if (ids.Count > 0)
            {
                yield return (Catalogs[catalog], page, [.. ids]);
            }
        }
    }

    public static string RequestUrl(long catalog, int page) =>
        $"https://api.vinted.pt/svc-catalogue/items?page={page}&per_page={PerPage}&attribute_ids[catalog]={catalog}";

    public static byte[] Write(long[] ids, int day)
    {
        var buffer = new ArrayBufferWriter<byte>(96 * 900);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("items");
            foreach (var index in ids)
            {
                WriteItem(json, index, day);
            }

            json.WriteEndArray();
            json.WriteNull("dominant_brand");
            json.WriteNumber("code", 0);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private IEnumerable<long> Indices(int day)
    {
        for (long i = 0; i < listings; i++)
        {
            if (day == 1 || Hash(i, 1) % 20 != 0)
            {
                yield return i;
            }
        }

        if (day == 2)
        {
            for (long i = listings; i < listings + listings / 20; i++)
            {
                yield return i;
            }
        }
    }

    private static void WriteItem(Utf8JsonWriter json, long index, int day)
    {
        var id = 6_000_000_000L + index;
        var cents = (500 + (long)(Hash(index, 2) % 400) * 50) * (day == 2 && Hash(index, 3) % 10 == 0 ? 85 : 100) / 100 / 50 * 50;
        var fee = 70 + cents * 5 / 100;
        var oldForm = Hash(index, 4) % 10 < 3;
        var brand = Brands[Hash(index, 5) % (ulong)Brands.Length];
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("title", $"Item {brand} {index}");
        Money(json, "price", cents, oldForm);
        if (oldForm)
        {
            json.WriteString("currency", "EUR");
        }

        Money(json, "total_item_price", cents + fee, oldForm);
        Money(json, "service_fee", fee, oldForm);
        json.WriteNull("discount");
        json.WriteString("brand_title", brand);
        json.WriteString("size_title", Sizes[Hash(index, 6) % (ulong)Sizes.Length]);
        json.WriteString("status", Statuses[Hash(index, 7) % (ulong)Statuses.Length]);
        json.WriteBoolean("is_visible", true);
        json.WriteBoolean("promoted", false);
        json.WriteNumber("favourite_count", (int)(Hash(index, 8) % 50) + day);
        json.WriteNumber("view_count", 0);
        json.WriteString("path", $"/items/{id}-item");
        json.WriteString("url", $"https://www.vinted.pt/items/{id}-item");
        json.WriteStartObject("user");
        json.WriteNumber("id", 30_000_000L + (long)(Hash(index, 9) % (ulong)Math.Max(10, 40_000)));
        json.WriteString("login", $"seller_{Hash(index, 9) % 40_000}");
        json.WriteNull("photo");
        json.WriteBoolean("business", Hash(index, 10) % 20 == 0);
        json.WriteEndObject();
        json.WriteStartObject("photo");
        json.WriteNumber("id", 20_000_000_000L + index);
        json.WriteString("url", $"https://images1.vinted.net/t/{index}/f800/x.jpeg");
        json.WriteStartObject("high_resolution");
        json.WriteNumber("timestamp", 1_790_000_000L - (long)(Hash(index, 11) % 8_000_000));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("content_source", "search");
        json.WriteEndObject();
    }

    private static void Money(Utf8JsonWriter json, string name, long cents, bool oldForm)
    {
        var amount = (cents / 100m).ToString("0.0#", CultureInfo.InvariantCulture);
        if (oldForm)
        {
            json.WriteString(name, amount);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("amount", amount);
        json.WriteString("currency_code", "EUR");
        json.WriteEndObject();
    }

    private static ulong Hash(long index, int salt)
    {
        var x = (ulong)index * 0x9E3779B97F4A7C15UL + (ulong)salt * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
