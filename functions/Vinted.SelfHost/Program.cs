using Vinted.SelfHost.Hosting;

// serve (default): the long-running self-host (timer, HTTP, pages); run, backfill, export, train: one command to
// completion, then exit.
return await FunctionApp.RunCommandAsync(args);
