from aap import create_app

app = create_app()
