using System.Buffers;
using System.Text.Json;
using Vinted.Simulator.Market;

namespace Vinted.Benchmarks;

/// <summary>
/// Days of catalog-search pages in the API's shape (svc-catalogue envelope with pagination, 96 items a page, 30% of
/// items in the old string price form), generated in-process so a million listings take seconds rather than a
/// simulator scan per search. Day 1 has <c>listings</c> live listings; every later day about 5% of the live ones sell
/// and as many new ones are listed; one listing in ten drops its price by 15% once, 2 to 21 days after it was listed (about 0.5% of the live ones a day). Every search is
/// fetched whole, so every scope is complete and "gone" means sold.
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
    public IEnumerable<(long Catalog, int Page, long[] Ids, long TotalEntries)> Pages(int day)
    {
        foreach (var catalog in Enumerable.Range(0, Catalogs.Length))
        {
            var all = Indices(day).Where(i => i % Catalogs.Length == catalog).ToArray();
            for (var page = 0; page * PerPage < all.Length; page++)
            {
                yield return (Catalogs[catalog], page + 1, all[(page * PerPage)..Math.Min(all.Length, (page + 1) * PerPage)], all.Length);
            }
        }
    }

    public static string RequestUrl(long catalog, int page) =>
        $"https://api.vinted.pt/svc-catalogue/items?page={page}&per_page={PerPage}&attribute_ids[catalog]={catalog}";

    public byte[] Write(long[] ids, int day, int page = 1, long totalEntries = 0)
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
            PageWriter.Pagination(json, page, PerPage, totalEntries, time: null);
            json.WriteNumber("code", 0);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The listings live on <paramref name="day"/>: listed on or before it, not yet sold.</summary>
    private IEnumerable<long> Indices(int day)
    {
        var created = listings + (long)(day - 1) * (listings / 20);
        for (long i = 0; i < created; i++)
        {
            if (ListedOn(i) <= day && day < SoldOn(i))
            {
                yield return i;
            }
        }
    }

    /// <summary>Day 1 for the first <c>listings</c>, then listings/20 a day.</summary>
    private int ListedOn(long index) => index < listings ? 1 : 2 + (int)((index - listings) / Math.Max(1, listings / 20));

    /// <summary>Each day a live listing sells with probability 5%: a geometric lifetime from a hash.</summary>
    private int SoldOn(long index)
    {
        var u = (Hash(index, 1) >> 11) * (1.0 / (1UL << 53));
        return ListedOn(index) + 1 + (int)Math.Min(10_000, Math.Floor(Math.Log(1 - u) / Math.Log(0.95)));
    }

    /// <summary>A listing in ten drops its price once, 2 to 21 days after it was listed.</summary>
    private int DropsOn(long index) => Hash(index, 3) % 10 == 0 ? ListedOn(index) + 2 + (int)(Hash(index, 12) % 20) : int.MaxValue;

    private void WriteItem(Utf8JsonWriter json, long index, int day)
    {
        var id = 6_000_000_000L + index;
        var cents = (500 + (long)(Hash(index, 2) % 400) * 50) * (day >= DropsOn(index) ? 85 : 100) / 100 / 50 * 50;
        var fee = 70 + cents * 5 / 100;
        var oldForm = Hash(index, 4) % 10 < 3;
        var brand = Brands[Hash(index, 5) % (ulong)Brands.Length];
        json.WriteStartObject();
        json.WriteNumber("id", id);
        json.WriteString("title", $"Item {brand} {index}");
        PageWriter.Money(json, "price"u8, cents, "EUR", oldForm);
        if (oldForm)
        {
            json.WriteString("currency", "EUR");
        }

        PageWriter.Money(json, "total_item_price"u8, cents + fee, "EUR", oldForm);
        PageWriter.Money(json, "service_fee"u8, fee, "EUR", oldForm);
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

    private static ulong Hash(long index, int salt) => Vinted.Simulator.Market.Hash.Of(0, index, salt);
}
