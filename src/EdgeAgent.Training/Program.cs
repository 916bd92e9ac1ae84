using EdgeAgent.Training.Commands;

return CommandRunner.Run(args, Console.Out, Console.Error);
