from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import signin, views

app_name = "accounts"
urlpatterns = [
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", signin.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", signin.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", signin.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", signin.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserCreateView.as_view(), name="user_add"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("users/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user_unlock"),
    path("users/unlock-address/", views.AddressUnlockView.as_view(), name="address_unlock"),
]
