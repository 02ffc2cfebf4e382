import PlumbCLI

await Plumb.runFromCommandLine()
