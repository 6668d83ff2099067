import PrecedentCLI
PrecedentCommand.main()
