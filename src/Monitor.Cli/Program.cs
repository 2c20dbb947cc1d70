using Monitor.Cli;

return MonitorCommand.Create().Parse(args).Invoke();
