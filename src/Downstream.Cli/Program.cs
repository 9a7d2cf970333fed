using Downstream.Cli;
using Downstream.Cli.Infrastructure;
using Spectre.Console;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await CliApp.RunAsync(args, new CliRuntime(AnsiConsole.Console, Environment.GetEnvironmentVariable), cancel.Token);
