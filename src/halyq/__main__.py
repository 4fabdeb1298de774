from halyq.cli import main

main()
