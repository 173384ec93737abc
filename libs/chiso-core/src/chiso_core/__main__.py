from chiso_core.cli import main

main()
