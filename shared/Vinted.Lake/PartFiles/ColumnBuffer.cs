using Npgsql;
using Parquet;
using Parquet.Schema;
using Vinted.Platform.Text;

namespace Vinted.Lake.PartFiles;

/// <summary>
/// One column of a row group being filled from a PostgreSQL reader: a typed array of at most a row group's rows, reused
/// for every group, so a day of any size costs one group's memory.
/// </summary>
internal abstract class ColumnBuffer(LakeColumn column)
{
    /// <summary>Decimal places kept: a price in any currency has two; six leave room without rounding anything real.</summary>
    public const int DecimalScale = 6;

    /// <summary>Digits of a decimal: 18 fit in a 64-bit integer, which every Parquet reader handles natively.</summary>
    public const int DecimalPrecision = 18;

    public LakeColumn Column { get; } = column;

    public abstract DataField Field { get; }

    /// <summary>Reads the reader's current row's value into <paramref name="row"/>.</summary>
    public abstract void Read(NpgsqlDataReader reader, int ordinal, int row);

    public abstract Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken);

    /// <summary>An empty buffer of the same column, field and capacity: the second of a pair, filled while this one is written.</summary>
    public abstract ColumnBuffer Twin();

    /// <summary>A buffer for a PostgreSQL column type; a type the lake has no mapping for is refused, naming the column.</summary>
    public static ColumnBuffer For(string table, string name, string postgresType, bool nullable, int capacity) => postgresType switch
    {
        "text" => new StringBuffer(new LakeColumn(name, "string", nullable), capacity),
        "integer" => Values<int>(new DataField(name, typeof(int), nullable), "int32", capacity),
        "bigint" => Values<long>(new DataField(name, typeof(long), nullable), "int64", capacity),
        "boolean" => Values<bool>(new DataField(name, typeof(bool), nullable), "boolean", capacity),
        "date" => Values<DateOnly>(new DataField(name, typeof(DateOnly), nullable), "date", capacity),
        "numeric" => Values<decimal>(new DecimalDataField(name, DecimalPrecision, DecimalScale, isNullable: nullable), $"decimal({DecimalPrecision},{DecimalScale})", capacity,
            value => FitDecimal(table, name, value)),
        "timestamp with time zone" => Values<DateTime>(
            new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: nullable), "timestamp(us,utc)", capacity),
        _ => throw new LakeDataException($"{table}.{name} is of type {postgresType}, which the lake has no Parquet type for."),
    };

    private static ColumnBuffer Values<T>(DataField field, string type, int capacity, Func<T, T>? check = null)
        where T : struct =>
        field.IsNullable
            ? new NullableBuffer<T>(new LakeColumn(field.Name, type, true), field, capacity, check)
            : new ValueBuffer<T>(new LakeColumn(field.Name, type, false), field, capacity, check);

    /// <summary>A decimal the file's type holds exactly; anything else is refused rather than rounded.</summary>
    private static decimal FitDecimal(string table, string name, decimal value)
    {
        if (decimal.Round(value, DecimalScale) != value || Math.Abs(value) >= 1_000_000_000_000m)
        {
            throw new LakeDataException($"{table}.{name} holds {value}, which decimal({DecimalPrecision},{DecimalScale}) cannot hold exactly.");
        }

        return value;
    }

    private sealed class ValueBuffer<T>(LakeColumn column, DataField dataField, int capacity, Func<T, T>? check) : ColumnBuffer(column)
        where T : struct
    {
        private readonly T[] _values = new T[capacity];

        public override ColumnBuffer Twin() => new ValueBuffer<T>(Column, dataField, capacity, check);

        public override DataField Field => dataField;

        public override void Read(NpgsqlDataReader reader, int ordinal, int row)
        {
            var value = reader.GetFieldValue<T>(ordinal);
            _values[row] = check is null ? value : check(value);
        }

        public override Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(dataField, _values.AsMemory(0, rows), cancellationToken: cancellationToken);
    }

    private sealed class NullableBuffer<T>(LakeColumn column, DataField dataField, int capacity, Func<T, T>? check) : ColumnBuffer(column)
        where T : struct
    {
        private readonly T?[] _values = new T?[capacity];

        public override ColumnBuffer Twin() => new NullableBuffer<T>(Column, dataField, capacity, check);

        public override DataField Field => dataField;

        public override void Read(NpgsqlDataReader reader, int ordinal, int row)
        {
            if (reader.IsDBNull(ordinal))
            {
                _values[row] = null;
                return;
            }

            var value = reader.GetFieldValue<T>(ordinal);
            _values[row] = check is null ? value : check(value);
        }

        public override Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(dataField, _values.AsMemory(0, rows), cancellationToken: cancellationToken);
    }

    private sealed class StringBuffer(LakeColumn column, int capacity, DataField? field = null, StringPool? pool = null) : ColumnBuffer(column)
    {
        private readonly string?[] _values = new string?[capacity];
        private readonly DataField _field = field ?? new(column.Name, typeof(string), column.Nullable);

        // Shared by the pair of buffers of a column (filled one at a time, by the reading thread only); room for a day's
        // page keys (about 10,000 at 1,000,000 listings).
        private readonly StringPool _pool = pool ?? new StringPool(capacity: 16_384);

        public override DataField Field => _field;

        public override ColumnBuffer Twin() => new StringBuffer(Column, capacity, _field, _pool);

        public override void Read(NpgsqlDataReader reader, int ordinal, int row) =>
            _values[row] = reader.IsDBNull(ordinal) ? null : _pool.Intern(reader.GetString(ordinal));

        public override Task WriteAsync(ParquetRowGroupWriter group, int rows, CancellationToken cancellationToken) =>
            group.WriteAsync(_field, new ArraySegment<string?>(_values, 0, rows)!);
    }
}
