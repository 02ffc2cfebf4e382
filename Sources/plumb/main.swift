import PlumbCLI

await Plumb.main()
