from amends.cli import main

main(prog_name="amends")
