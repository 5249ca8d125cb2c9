using System.Globalization;

namespace Vinted.Warehouse.Staging;

/// <summary>What a stored page's request URL says about the search that produced it.</summary>
internal static class SearchFilters
{
    /// <summary>
    /// The catalog id when the search filtered on exactly one catalog (<c>catalog_ids=</c> on the legacy endpoint,
    /// <c>attribute_ids[catalog]=</c> on svc-catalogue); null for none or several. Catalog search results carry no
    /// <c>catalog_id</c>, so this is the only catalog such an item has. On Vinted a catalog filter also matches its
    /// sub-catalogs, so the id may be a parent of the item's own catalog; staging marks it <c>catalog_source = 'search'</c>.
    /// </summary>
    public static long? SingleCatalogId(string requestUrl)
    {
        var question = requestUrl.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return null;
        }

        long? found = null;
        foreach (var pair in requestUrl[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var name = Uri.UnescapeDataString(pair[..equals]);
            if (name is not ("catalog_ids" or "attribute_ids[catalog]" or "catalog[]"))
            {
                continue;
            }

            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (found is not null || value.Contains(',', StringComparison.Ordinal)
                || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }

            found = id;
        }

        return found;
    }
}
