namespace Vinted.Simulator.Market;

/// <summary>
/// The fixed word lists the marketplace is built from. Languages are indexed as in <see cref="Languages"/>; ids
/// look like Vinted's but are the simulator's own (the real lists are not published).
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] Languages = ["en", "fr", "pt", "es", "de", "it", "pl", "cs"];

    public enum SizeGroup
    {
        None,
        Clothing,
        Shoes,
        Kids,
    }

    public sealed record CatalogEntry(long Id, SizeGroup Sizes, int BasePriceEuro, string[] Names);

    public static readonly CatalogEntry[] Catalogs =
    [
        new(1206, SizeGroup.Clothing, 25, ["Jeans", "Jean", "Calças de ganga", "Vaqueros", "Jeans", "Jeans", "Dżinsy", "Džíny"]),
        new(1231, SizeGroup.Shoes, 45, ["Sneakers", "Baskets", "Sapatilhas", "Zapatillas", "Sneaker", "Sneakers", "Sneakersy", "Tenisky"]),
        new(1779, SizeGroup.Clothing, 22, ["Dress", "Robe", "Vestido", "Vestido", "Kleid", "Vestito", "Sukienka", "Šaty"]),
        new(1904, SizeGroup.Clothing, 10, ["T-shirt", "T-shirt", "T-shirt", "Camiseta", "T-Shirt", "Maglietta", "Koszulka", "Tričko"]),
        new(2050, SizeGroup.Clothing, 25, ["Hoodie", "Sweat à capuche", "Camisola com capuz", "Sudadera con capucha", "Kapuzenpullover", "Felpa con cappuccio", "Bluza z kapturem", "Mikina s kapucí"]),
        new(1907, SizeGroup.Clothing, 40, ["Jacket", "Veste", "Casaco", "Chaqueta", "Jacke", "Giacca", "Kurtka", "Bunda"]),
        new(2630, SizeGroup.Clothing, 55, ["Coat", "Manteau", "Sobretudo", "Abrigo", "Mantel", "Cappotto", "Płaszcz", "Kabát"]),
        new(1242, SizeGroup.Shoes, 50, ["Boots", "Bottes", "Botas", "Botas", "Stiefel", "Stivali", "Kozaki", "Boty"]),
        new(2094, SizeGroup.None, 35, ["Handbag", "Sac à main", "Mala de mão", "Bolso", "Handtasche", "Borsa", "Torebka", "Kabelka"]),
        new(1812, SizeGroup.Clothing, 15, ["Skirt", "Jupe", "Saia", "Falda", "Rock", "Gonna", "Spódnica", "Sukně"]),
        new(1193, SizeGroup.Kids, 12, ["Kids pyjamas", "Pyjama enfant", "Pijama criança", "Pijama niño", "Kinderpyjama", "Pigiama bambino", "Piżama dziecięca", "Dětské pyžamo"]),
        new(2993, SizeGroup.None, 8, ["Board game", "Jeu de société", "Jogo de tabuleiro", "Juego de mesa", "Brettspiel", "Gioco da tavolo", "Gra planszowa", "Desková hra"]),
    ];

    public static readonly (long Id, string Title)[] Brands =
    [
        (53, "Nike"), (14, "Adidas"), (12, "Zara"), (7, "H&M"), (15, "Mango"), (10, "Levi's"), (1_782_473, "SHEIN"), (2_318, "Primark"),
        (1_086, "Bershka"), (139, "Pull&Bear"), (1_175, "Stradivarius"), (3_012, "Uniqlo"), (535, "Puma"), (1_775, "New Balance"),
        (1_195, "Converse"), (2_703, "Vans"), (2_319, "The North Face"), (88, "Ralph Lauren"), (94, "Tommy Hilfiger"), (304, "Lacoste"),
        (1_263, "Massimo Dutti"), (367, "Desigual"), (1_030, "Guess"), (255, "Calvin Klein"), (4_562, "Kiabi"), (10_293, "Decathlon"),
        (2_505, "C&A"), (88_812, "Reserved"), (1_476, "Benetton"), (49_891, "Boohoo"), (73_306, "ASOS"), (1_319, "Next"),
        (2_110, "Gap"), (1_450, "Esprit"), (5_126, "Only"), (2_470, "Vero Moda"), (4_119, "Jack & Jones"), (1_890, "Timberland"),
        (3_257, "Dr. Martens"), (362, "Carhartt"),
    ];

    public static readonly long[] ColorIds = [1, 3, 12, 9, 7, 10, 20, 4, 27, 2];

    public static readonly string[][] Colors =
    [
        ["black", "grey", "white", "blue", "red", "green", "beige", "pink", "navy", "brown"],
        ["noir", "gris", "blanc", "bleu", "rouge", "vert", "beige", "rose", "marine", "marron"],
        ["preto", "cinzento", "branco", "azul", "vermelho", "verde", "bege", "rosa", "azul-marinho", "castanho"],
        ["negro", "gris", "blanco", "azul", "rojo", "verde", "beige", "rosa", "azul marino", "marrón"],
        ["schwarz", "grau", "weiß", "blau", "rot", "grün", "beige", "rosa", "navy", "braun"],
        ["nero", "grigio", "bianco", "blu", "rosso", "verde", "beige", "rosa", "blu navy", "marrone"],
        ["czarny", "szary", "biały", "niebieski", "czerwony", "zielony", "beżowy", "różowy", "granatowy", "brązowy"],
        ["černý", "šedý", "bílý", "modrý", "červený", "zelený", "béžový", "růžový", "námořnický", "hnědý"],
    ];

    /// <summary>Condition ids in the API's order of quality, with weights of how often each is listed.</summary>
    public static readonly long[] StatusIds = [6, 1, 2, 3, 4];

    public static readonly double[] StatusCumulative = [0.10, 0.30, 0.70, 0.95, 1.0];

    public static readonly string[][] Statuses =
    [
        ["New with tags", "New without tags", "Very good", "Good", "Satisfactory"],
        ["Neuf avec étiquette", "Neuf sans étiquette", "Très bon état", "Bon état", "Satisfaisant"],
        ["Novo com etiquetas", "Novo sem etiquetas", "Muito bom", "Bom", "Satisfatório"],
        ["Nuevo con etiquetas", "Nuevo sin etiquetas", "Muy bueno", "Bueno", "Satisfactorio"],
        ["Neu mit Etikett", "Neu ohne Etikett", "Sehr gut", "Gut", "Zufriedenstellend"],
        ["Nuovo con cartellino", "Nuovo senza cartellino", "Ottime condizioni", "Buone condizioni", "Discrete condizioni"],
        ["Nowy z metkami", "Nowy bez metki", "Bardzo dobry", "Dobry", "Zadowalający"],
        ["Nové s visačkou", "Nové bez visačky", "Velmi dobrý", "Dobrý", "Uspokojivý"],
    ];

    public static readonly long[] MaterialIds = [44, 45, 46, 49, 48, 52, 120, 123];

    /// <summary>Size ids and titles per group; index 0 of <see cref="SizeGroup.None"/> has none.</summary>
    public static readonly (long Id, string Title)[][] Sizes =
    [
        [],
        [(2, "XS"), (3, "S"), (4, "M"), (5, "L"), (6, "XL"), (7, "XXL")],
        [(55, "36"), (56, "37"), (57, "38"), (58, "39"), (59, "40"), (60, "41"), (61, "42"), (62, "43"), (63, "44"), (64, "45")],
        [(1_501, "92"), (1_502, "104"), (1_503, "116"), (1_504, "128"), (1_505, "140")],
    ];

    public static readonly string[] LoginStems =
        ["ana", "joao", "marie", "lucas", "sofia", "tom", "emma", "jan", "eva", "pedro", "lea", "max", "ines", "karol", "petra", "giulia"];
}
