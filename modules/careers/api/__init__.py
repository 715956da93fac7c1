"""The Whyness API (spec careers.md): mounted under ``/api/v1/`` by ``project/api.py``."""

from ninja import Router

from modules.careers.api import catalog, crowdsource, media, polls, public, user

router = Router()
router.add_router("", catalog.router)
router.add_router("", user.router)
router.add_router("", polls.router)
router.add_router("", public.router)
router.add_router("", crowdsource.router)
router.add_router("", media.router)
