using Vinted.Simulator;
using Vinted.Simulator.Http;

// Standalone: dotnet run --project shared/Vinted.Simulator -- --urls http://127.0.0.1:5080 --Simulator:Listings 100000
var builder = WebApplication.CreateSlimBuilder(args);
var options = builder.Configuration.GetSection(SimulatorOptions.Section).Get<SimulatorOptions>() ?? new SimulatorOptions();
builder.Services.AddVintedSimulator(options);
var app = builder.Build();
app.UseVintedSimulator();
app.Run();
