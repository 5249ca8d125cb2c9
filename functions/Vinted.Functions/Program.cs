using Vinted.Functions.Azure;
using Vinted.Functions.Hosting;

// serve: the long-running self-host (timer, HTTP, pages); run, backfill, export, train: one command to completion, then exit.
// Anything else is the Azure Functions host starting this app as its isolated worker (--host, --port, --workerId ...).
if (args is ["serve" or "run" or "backfill" or "export" or "train", ..])
{
    return await FunctionApp.RunCommandAsync(args);
}

await AzureFunctionsHost.Build().RunAsync();
return 0;
