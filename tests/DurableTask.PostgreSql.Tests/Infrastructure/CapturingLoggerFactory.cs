using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A logger factory that keeps every entry (category, event id, level, text) so a test can check what an operator would
/// see; the test project references only the provider, so it has no Microsoft.Extensions.Logging implementation.
/// </summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(string Category, EventId Id, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyCollection<(string Category, EventId Id, LogLevel Level, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, EventId, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
    }
}
