using Microsoft.Extensions.Logging;

namespace DurableTask.PostgreSql.TestHost;

/// <summary>
/// The provider's warnings and errors on standard output, one line each with the event id, for the test to read (the
/// host references only the provider, which brings no logging implementation).
/// </summary>
internal sealed class ConsoleLoggerFactory(string host) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => categoryName == "DurableTask.PostgreSql" ? new Logger(host) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(string host) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Console.WriteLine($"log {host} {eventId.Id} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
    }
}
