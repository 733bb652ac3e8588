from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


@login_required
def home(request):
    return render(request, "sessions/home.html")


@login_required
def workshop_detail(request, workshop):
    return redirect("home")
