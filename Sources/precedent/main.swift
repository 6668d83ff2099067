import PrecedentCLI

configureHeap()
PrecedentCommand.main()
