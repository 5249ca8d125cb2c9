using Vinted.Functions.Hosting;

// run: one pipeline run to completion, then exit; serve: the long-running host (timer, HTTP, dashboard).
return await FunctionApp.RunCommandAsync(args);
