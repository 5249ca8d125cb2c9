namespace Vinted.Lake;

/// <summary>A mart value the lake cannot write as it is (a type without a Parquet mapping, a decimal that would be rounded): the same data fails the same way, so it is not retried.</summary>
public sealed class LakeDataException(string message) : Exception(message);
