using Vinted.Functions.Hosting;

// run: one pipeline run to completion, then exit; serve: the long-running host (timer, HTTP API, pages).
return await FunctionApp.RunCommandAsync(args);
