using System.Buffers;

namespace Vinted.ObjectStore;

/// <summary>Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>; disposing returns the array, once.</summary>
public sealed class PooledBytes : IDisposable
{
    private byte[]? _array;

    private PooledBytes(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The bytes; not to be read after <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory => new(Array, 0, Length);

    internal Memory<byte> Writable => new(Array, 0, Length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBytes));

    internal static PooledBytes Rent(int length) => new(ArrayPool<byte>.Shared.Rent(length), length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
