using Vinted.Functions.Azure;

// The Azure Functions host starts this app as its isolated worker (--host, --port, --workerId ...).
await AzureFunctionsHost.Build().RunAsync();
