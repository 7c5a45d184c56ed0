from cpto.cli import main

main()
