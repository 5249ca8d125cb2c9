using System.Text.Json.Serialization;

namespace Vinted.Api.Models;

/// <summary>Which Vinted endpoint served (or would serve) a request.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VintedEndpoint>))]
public enum VintedEndpoint
{
    /// <summary><c>GET https://api.vinted.{tld}/svc-catalogue/items</c> with <c>attribute_ids[...]</c> filters (since Sep 2026).</summary>
    CatalogCurrent,

    /// <summary><c>GET https://www.vinted.{tld}/api/v2/catalog/items</c> with <c>catalog_ids</c>-style filters.</summary>
    CatalogLegacy,

    /// <summary><c>GET https://www.vinted.{tld}/api/v2/users/{id}/items</c>.</summary>
    SellerUsers,

    /// <summary><c>GET https://www.vinted.{tld}/api/v2/wardrobe/{id}/items</c>.</summary>
    SellerWardrobe,

    /// <summary><c>GET https://www.vinted.{tld}/items/{id}</c>: the public item page (HTML), which stays up after a sale.</summary>
    ItemPage,
}
