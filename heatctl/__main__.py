from heatctl.cli import main

main()
